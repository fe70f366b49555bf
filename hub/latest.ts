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
  fields: Record<string, number | string | boolean>;
  /** ns; formatted only when asked for (this runs for every accepted point). */
  time: bigint;
  /** `fields` is the point's own object (not copied until a merge would change it). */
  borrowed: boolean;
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
          // RMC then GGA of one epoch: merged into a copy, never into an accepted point's fields.
          previous.fields = previous.borrowed
            ? { ...previous.fields, ...point.fields }
            : Object.assign(previous.fields, point.fields);
          previous.borrowed = false;
        } else {
          previous.fields = point.fields;
          previous.borrowed = true;
        }
        previous.tags = point.tags;
        previous.time = point.time;
        continue;
      }
      if (entries.size >= this.maxEntitiesPerMeasurement) continue;
      entries.set(entity, { tags: point.tags, fields: point.fields, time: point.time, borrowed: true });
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
        fields: { ...e.fields },
        time: new Date(nsToMs(e.time)).toISOString(),
      }));
    }
    return out;
  }
}
