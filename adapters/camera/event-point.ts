/**
 * The `camera_event` point both camera adapters build (DESIGN.md): tags `camera`, `label`, `type`;
 * fields `event_id`, `score`, `zones` (comma-separated), `duration_s` on `end`.
 */
import { z } from 'zod';
import type { Point } from '../../ingest/point.ts';
import { type SeriesClock, seriesKey } from '../../ingest/time.ts';

export const EVENT_TYPES = ['new', 'update', 'end'] as const;
export type CameraEventType = (typeof EVENT_TYPES)[number];

/** A tag value: line protocol has no room for an empty one or a line break. */
export const tagText = z
  .string()
  .min(1)
  .regex(/^\P{Cc}+$/u, 'must not contain control characters');

/** A zone name: joined with commas into `zones`, so it cannot hold one itself. */
export const zoneName = z
  .string()
  .min(1)
  .regex(/^[^,\p{Cc}]+$/u, 'a zone name holds no comma or control character');

export interface CameraEventFacts {
  camera: string;
  label: string;
  type: CameraEventType;
  eventId: string;
  score: number;
  zones: readonly string[];
  durationS?: number;
  /** The event's own time (frame time), ns. */
  timeNs: bigint;
}

/** Sorted, deduplicated, comma-joined: the same set of zones is always the same string. */
export function joinZones(zones: readonly string[]): string {
  return [...new Set(zones)].sort().join(',');
}

/**
 * Two objects of one label in one frame share camera, label, type and time: the second would overwrite
 * the first in InfluxDB, so every camera event is made unique in its series (DESIGN.md "Time"); the
 * event id keeps a resent message on its own timestamp, so it still overwrites itself.
 */
export function cameraEventPoint(facts: CameraEventFacts, clock: SeriesClock): Point {
  const tags = { camera: facts.camera, label: facts.label, type: facts.type };
  const fields: Point['fields'] = {
    event_id: facts.eventId,
    score: facts.score,
    zones: joinZones(facts.zones),
  };
  if (facts.durationS !== undefined) fields.duration_s = facts.durationS;
  const series = seriesKey('camera_event', tags);
  return {
    measurement: 'camera_event',
    tags,
    fields,
    time: clock.unique(series, facts.timeNs, facts.eventId),
  };
}
