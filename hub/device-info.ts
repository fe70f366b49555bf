/** `device_info` points (DESIGN.md): the registry, written at start and on change, for dashboards' maps. */
import type { Point } from '../ingest/point.ts';
import { msToNs } from '../ingest/point.ts';
import type { Device } from '../ingest/registry.ts';

export function deviceInfoPoints(devices: readonly Device[], nowMs: number): Point[] {
  return devices
    .filter((d) => d.kind !== 'operator')
    .map((d) => {
      const tags: Record<string, string> = { device: d.id, kind: d.kind };
      if (d.homePort) tags.home_port = d.homePort;
      const fields: Point['fields'] = { name: d.name ?? d.id };
      if (d.lat !== undefined) fields.lat = d.lat;
      if (d.lon !== undefined) fields.lon = d.lon;
      if (d.lengthM !== undefined) fields.length_m = d.lengthM;
      if (d.mmsi !== undefined) fields.mmsi = d.mmsi;
      return { measurement: 'device_info', tags, fields, time: msToNs(nowMs) };
    });
}
