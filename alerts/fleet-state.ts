/**
 * Fleet state: per known vessel (registry vessels and any vessel seen) the last valid position, time
 * since it (silent minutes), at sea or in port (port polygons), and the sea zone it is in (inshore
 * < 6 nm, midshore 6–24 nm, offshore, outside VN waters; Decree 26/2019 art. 43). It answers the
 * silence rules' `onlyAtSea`, gives departure/arrival events at the port geofences, and makes the
 * `vessel_state` points the hub writes every minute (DESIGN.md).
 */
import { msToNs, type Point } from '../ingest/point.ts';
import type { Registry } from '../ingest/registry.ts';
import { contains, type Geometry, geometryOf } from './geo.ts';
import { numericField } from './match.ts';
import type { ZoneFeature } from './zones.ts';

export type FleetZone = 'inshore' | 'midshore' | 'offshore' | 'outside' | 'unknown';

export interface VesselRecord {
  vessel: string;
  lat?: number;
  lon?: number;
  /** When the last valid position was received (hub clock; a seeded one: its InfluxDB time). */
  lastValidMs?: number;
  /** The port polygon the vessel is in, null at sea; undefined before any position. */
  port?: string | null;
  /** Worked out from the position when read (`get`, snapshots), not kept per position. */
  zone?: FleetZone;
}

export interface FleetEvent {
  kind: 'departure' | 'arrival';
  vessel: string;
  port: string;
  atMs: number;
  lat: number;
  lon: number;
}

interface Port {
  name: string;
  label: string;
  geometry: Geometry;
}

/** Unregistered vessels (AIS `mmsi:…` passing by) are forgotten after 30 days without a position. */
const FORGET_UNREGISTERED_MS = 30 * 86_400_000;

export class FleetState {
  readonly #vessels = new Map<string, VesselRecord>();
  readonly #ports: Port[];
  readonly #zones: Partial<Record<'inshore' | 'midshore' | 'outer-boundary', Geometry>> = {};
  readonly #registry: Pick<Registry, 'all' | 'get'>;

  constructor(options: {
    ports: ZoneFeature[];
    zones: ZoneFeature[];
    registry: Pick<Registry, 'all' | 'get'>;
  }) {
    this.#registry = options.registry;
    this.#ports = options.ports.map((f) => ({
      name: f.name,
      label: typeof f.properties.label === 'string' ? f.properties.label : f.name,
      geometry: geometryOf(f.polygons),
    }));
    for (const name of ['inshore', 'midshore', 'outer-boundary'] as const) {
      const feature = options.zones.find((f) => f.name === name);
      if (feature) this.#zones[name] = geometryOf(feature.polygons);
    }
  }

  portAt(lat: number, lon: number): string | null {
    return this.#ports.find((p) => contains(p.geometry, lat, lon))?.label ?? null;
  }

  zoneAt(lat: number, lon: number): FleetZone {
    const { inshore, midshore } = this.#zones;
    const waters = this.#zones['outer-boundary'];
    if (!inshore && !midshore && !waters) return 'unknown';
    if (inshore && contains(inshore, lat, lon)) return 'inshore';
    if (midshore && contains(midshore, lat, lon)) return 'midshore';
    if (!waters) return 'unknown';
    return contains(waters, lat, lon) ? 'offshore' : 'outside';
  }

  /** A `vessel_position` point; returns a departure or arrival when it crossed a port geofence. */
  onPoint(point: Point, receivedAtMs: number): FleetEvent[] {
    if (point.measurement !== 'vessel_position') return [];
    const vessel = point.tags.vessel;
    const lat = numericField(point.fields, 'lat');
    const lon = numericField(point.fields, 'lon');
    // GGA fix quality 0 = no fix: not a valid position whatever the numbers say.
    if (!vessel || lat === undefined || lon === undefined || point.fields.fix === 0) return [];
    const prev = this.#vessels.get(vessel);
    const port = this.portAt(lat, lon);
    this.#vessels.set(vessel, {
      vessel,
      lat,
      lon,
      lastValidMs: receivedAtMs,
      port,
    });
    if (prev?.port === undefined) return [];
    if (prev.port !== null && port === null)
      return [{ kind: 'departure', vessel, port: prev.port, atMs: receivedAtMs, lat, lon }];
    if (prev.port === null && port !== null)
      return [{ kind: 'arrival', vessel, port, atMs: receivedAtMs, lat, lon }];
    return [];
  }

  /** A last position learnt from InfluxDB at start; never overrides a newer one, makes no event. */
  seed(vessel: string, lat: number, lon: number, atMs: number): void {
    const prev = this.#vessels.get(vessel);
    if (prev?.lastValidMs !== undefined && prev.lastValidMs >= atMs) return;
    this.#vessels.set(vessel, {
      vessel,
      lat,
      lon,
      lastValidMs: atMs,
      port: this.portAt(lat, lon),
    });
  }

  /** True at sea, false in port, undefined before any position. */
  atSea(vessel: string): boolean | undefined {
    const port = this.#vessels.get(vessel)?.port;
    return port === undefined ? undefined : port === null;
  }

  get(vessel: string): VesselRecord | undefined {
    const record = this.#vessels.get(vessel);
    return record && { ...record, zone: this.#zoneOf(record) };
  }

  /** Registry vessels (positioned or not) and every vessel seen. */
  vessels(): VesselRecord[] {
    const out = new Map(this.#vessels);
    for (const device of this.#registry.all()) {
      if (device.kind === 'vessel' && !out.has(device.id)) out.set(device.id, { vessel: device.id });
    }
    return [...out.values()];
  }

  /** One `vessel_state` point per known vessel (DESIGN.md), timed `nowMs`. */
  snapshot(nowMs: number): Point[] {
    const time = msToNs(nowMs);
    const points: Point[] = [];
    for (const record of this.vessels()) {
      const device = this.#registry.get(record.vessel);
      if (
        !device &&
        record.lastValidMs !== undefined &&
        nowMs - record.lastValidMs > FORGET_UNREGISTERED_MS
      ) {
        this.#vessels.delete(record.vessel);
        continue;
      }
      const tags: Record<string, string> = { vessel: record.vessel };
      if (device?.homePort) tags.home_port = device.homePort;
      const fields: Point['fields'] = {
        at_sea: record.port === null,
        zone: this.#zoneOf(record) ?? 'unknown',
      };
      if (record.lat !== undefined && record.lon !== undefined) {
        fields.lat = record.lat;
        fields.lon = record.lon;
      }
      if (record.lastValidMs !== undefined)
        fields.silent_min = Math.max(0, Math.floor((nowMs - record.lastValidMs) / 60_000));
      points.push({ measurement: 'vessel_state', tags, fields, time });
    }
    return points;
  }

  // The sea zone is worked out for the minute's snapshot, not for every position received.
  #zoneOf(record: VesselRecord): FleetZone | undefined {
    return record.lat === undefined || record.lon === undefined
      ? undefined
      : this.zoneAt(record.lat, record.lon);
  }

  toJSON(): VesselRecord[] {
    return [...this.#vessels.values()];
  }

  restore(records: readonly VesselRecord[]): void {
    for (const record of records) {
      if (typeof record?.vessel !== 'string') continue;
      // State saved before the zone was worked out per snapshot carries a `zone`: it is recomputed now.
      const { zone: _saved, ...rest } = record;
      this.#vessels.set(record.vessel, rest);
    }
  }
}
