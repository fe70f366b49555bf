/**
 * `cameras/{camera}/events`: the generic camera event of DESIGN.md,
 * `{"time","event_id","type":"new"|"update"|"end","label","score","zones"?}` → one `camera_event` point.
 * Our own format, so it is strict: an unknown key is `invalid_payload`, not ignored.
 */
import { z } from 'zod';
import { parseTimedPayload } from '../common/timed-payload.ts';
import { pushValidPoint } from '../common/valid-point.ts';
import type { AdapterContext, DecodeResult, InboundMessage, MessageAdapter } from '../types.ts';
import { emptyResult } from '../types.ts';
import { cameraEventPoint, EVENT_TYPES, tagText, zoneName } from './event-point.ts';

export const CameraEventSchema = z
  .object({
    /** ISO 8601 with offset, or epoch ms: the frame the event refers to. */
    time: z.union([z.string(), z.number()]),
    event_id: z.string().min(1).max(256),
    type: z.enum(EVENT_TYPES),
    label: tagText,
    /** Detector confidence 0..1. */
    score: z.number().min(0).max(1),
    /** A list of zone names, or the comma-separated form the point stores. */
    zones: z
      .union([z.array(zoneName), z.string().regex(/^\P{Cc}*$/u, 'must not contain control characters')])
      .optional(),
    /** How long the object was tracked, s; only on `end` (nothing is derived from earlier messages). */
    duration_s: z.number().min(0).optional(),
  })
  .strict()
  .refine((e) => e.duration_s === undefined || e.type === 'end', {
    path: ['duration_s'],
    message: 'duration_s is only given on end events',
  });

export type CameraEventPayload = z.infer<typeof CameraEventSchema>;

const TOPIC = /^cameras\/([^/]+)\/events$/;

function zoneList(zones: CameraEventPayload['zones']): string[] {
  if (zones === undefined) return [];
  if (Array.isArray(zones)) return zones;
  return zones
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name.length > 0);
}

export function createCameraAdapter(ctx: AdapterContext): MessageAdapter {
  function decode(message: InboundMessage): DecodeResult {
    const result = emptyResult();
    const camera = TOPIC.exec(message.topic)?.[1];
    if (!camera) {
      result.rejects.push({
        reason: 'bad_topic',
        error: `topic ${message.topic} is not cameras/{camera}/events`,
      });
      return result;
    }
    const parsed = parseTimedPayload(message.payload, CameraEventSchema, message.receivedAtMs, ctx.limits);
    if (!parsed.ok) {
      result.rejects.push({ reason: parsed.reason, error: parsed.error });
      return result;
    }
    const event = parsed.data;
    const point = cameraEventPoint(
      {
        camera,
        label: event.label,
        type: event.type,
        eventId: event.event_id,
        score: event.score,
        zones: zoneList(event.zones),
        ...(event.duration_s !== undefined && { durationS: event.duration_s }),
        timeNs: parsed.ns,
      },
      ctx.seriesClock,
    );
    pushValidPoint(result, point);
    return result;
  }

  return { id: 'camera', decode };
}
