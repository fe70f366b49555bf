/**
 * The latest state per entity (DESIGN.md data path): the last accepted fields of each vessel, station
 * and camera, merged across sentences (RMC then VTG), for the HTTP API and the operator page.
 */
import { nsToMs, type Point } from '../ingest/point.ts';

const ENTITY_TAG: Record<string, string> = {
  vessel_position: 'vessel',
  vessel_static: 'vessel',
  environment: 'station',
  air_quality_index: 'station',
  camera_event: 'camera',
};

export interface LatestEntry {
  entity: string;
  tags: Record<string, string>;
  fields: Record<string, number | string | boolean>;
  time: string;
}

interface Entry {
  tags: Record<string, string>;
  /**
   * The fields of the points of the latest epoch (RMC, GGA, VTG of one fix), merged when read: the
   * points' own objects, never changed here, so nothing is copied per point.
   */
  parts: Array<Record<string, number | string | boolean>>;
  /** ns; formatted only when asked for (this runs for every accepted point). */
  time: bigint;
}

/** More sentences than this for one epoch are merged into one object (a bound on a chatty receiver). */
const MAX_PARTS = 8;

function merged(parts: Entry['parts']): Record<string, number | string | boolean> {
  return parts.length === 1 ? { ...parts[0] } : Object.assign({}, ...parts);
}

export class LatestState {
  readonly #byMeasurement = new Map<string, Map<string, Entry>>();

  constructor(private readonly maxEntitiesPerMeasurement = 100_000) {}

  update(points: readonly Point[]): void {
    for (const point of points) {
      const tag = ENTITY_TAG[point.measurement];
      if (!tag) continue;
      const entity = point.tags[tag];
      if (!entity) continue;
      let entries = this.#byMeasurement.get(point.measurement);
      if (!entries) {
        entries = new Map();
        this.#byMeasurement.set(point.measurement, entries);
      }
      const previous = entries.get(entity);
      if (previous) {
        if (previous.time > point.time) continue; // an older point (a resend) does not roll back
        if (previous.time === point.time) {
          if (previous.parts.length >= MAX_PARTS) previous.parts = [merged(previous.parts)];
          previous.parts.push(point.fields);
        } else {
          previous.parts = [point.fields];
          previous.time = point.time;
        }
        previous.tags = point.tags;
        continue;
      }
      if (entries.size >= this.maxEntitiesPerMeasurement) continue;
      entries.set(entity, { tags: point.tags, parts: [point.fields], time: point.time });
    }
  }

  measurements(): string[] {
    return [...this.#byMeasurement.keys()];
  }

  snapshot(measurement?: string): Record<string, LatestEntry[]> {
    const out: Record<string, LatestEntry[]> = {};
    for (const [name, entries] of this.#byMeasurement) {
      if (measurement && name !== measurement) continue;
      out[name] = [...entries].map(([entity, e]) => ({
        entity,
        tags: { ...e.tags },
        fields: merged(e.parts),
        time: new Date(nsToMs(e.time)).toISOString(),
      }));
    }
    return out;
  }
}
