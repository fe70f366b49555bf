/**
 * The simulators against the real hub and a real influxd, judged by what lands in InfluxDB: vessel tracks
 * are continuous at the speedup they ran with, station values stay in physical ranges and match what the
 * Modbus register map serves, and camera events follow new → update → end.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { physicalRange } from '../../adapters/stations/ranges.ts';
import { lastLocalHourMs } from '../../simulators/common/daily.ts';
import { distanceM, KN_TO_MPS } from '../../simulators/common/geo.ts';
import type { CamerasHandle, FleetHandle, StationsHandle } from '../../simulators/index.ts';
import {
  camerasRegistry,
  fleetRegistry,
  startCameras,
  startFleet,
  startStations,
} from '../../simulators/index.ts';
import { eventually, startTestHub, type TestHub } from '../helpers/hub.ts';
import { query, type Row } from '../helpers/influxd.ts';

const SPEEDUP = 300;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** InfluxDB's RFC 3339 times drop trailing zeros (`…49.46Z`), so text order is not time order. */
function rfc3339Ns(time: string): bigint {
  const [whole = '', fraction = ''] = time.replace('Z', '').split('.');
  return BigInt(Date.parse(`${whole}Z`)) * 1_000_000n + BigInt(fraction.padEnd(9, '0').slice(0, 9));
}

describe('simulators into the hub and InfluxDB', () => {
  let t: TestHub;
  let stations: StationsHandle;
  let fleet: FleetHandle;
  let cameras: CamerasHandle;
  const plan = { vessels: 6, seed: 5, aisShare: 0.5, vmsShare: 0.5 };

  beforeAll(async () => {
    stations = await startStations({ basePort: 0, host: '127.0.0.1', seed: 5 });
    t = await startTestHub({
      devices: { entries: [...fleetRegistry(plan), ...stations.registry(), ...camerasRegistry()] },
      modbus: { devices: stations.modbusDevices({ intervalMs: 300 }) },
    });
    const url = `mqtt://127.0.0.1:${t.hub.mqttPort}`;
    fleet = await startFleet({ ...plan, url, speedup: SPEEDUP, qos: 1 });
    cameras = await startCameras({
      url,
      seed: 5,
      speedup: 20,
      qos: 1,
      simStartMs: lastLocalHourMs(17, Date.now()),
    });
    await sleep(6000);
    await fleet.stop();
    await cameras.stop();
  }, 60_000);
  afterAll(async () => {
    await t?.stop();
    await stations?.stop();
  });

  it('stores continuous vessel tracks: no jump faster than the vessel could go', async () => {
    const rows = await eventually(async () => {
      const r = await query(
        t.influxUrl,
        t.database,
        `SELECT lat, lon FROM vessel_position WHERE source = 'nmea' GROUP BY vessel`,
      );
      return r.length > 20 ? r : null;
    }, 20_000);
    const byVessel = new Map<string, Row[]>();
    for (const row of rows ?? [])
      byVessel.set(String(row.vessel), [...(byVessel.get(String(row.vessel)) ?? []), row]);
    expect(byVessel.size).toBeGreaterThanOrEqual(3);
    // 12 kn is above every simulated speed (cruise 7–10 kn); the world runs SPEEDUP times faster than the
    // timestamps, which follow the real clock. A 50 % margin covers the report-time rounding.
    const maxMps = 12 * KN_TO_MPS * SPEEDUP * 1.5;
    for (const [vessel, track] of byVessel) {
      for (let i = 1; i < track.length; i++) {
        const a = track[i - 1] as Row;
        const b = track[i] as Row;
        const dt = (Date.parse(b.time) - Date.parse(a.time)) / 1000;
        if (dt <= 0 || a.lat === null || b.lat === null) continue;
        const metres = distanceM(
          { lat: a.lat as number, lon: a.lon as number },
          { lat: b.lat as number, lon: b.lon as number },
        );
        expect(metres / dt, `${vessel} at ${b.time}`).toBeLessThanOrEqual(maxMps);
      }
    }
  });

  it('stores station values within physical ranges that match the register map', async () => {
    for (const station of stations.stations) {
      const rows = await eventually(
        () =>
          query(
            t.influxUrl,
            t.database,
            `SELECT * FROM environment WHERE station = '${station.id}' ORDER BY time DESC LIMIT 1`,
          ).then((r) => (r.length ? r : null)),
        20_000,
      );
      const row = rows?.[0] as Row;
      const device = stations.modbusDevices().find((d) => d.station === station.id);
      const mapped = (device?.registers ?? []).map((r) => r.field);
      const served = stations.readings()[station.id] ?? {};
      for (const field of mapped) {
        const value = row[field];
        expect(typeof value, `${station.id}.${field}`).toBe('number');
        const range = physicalRange(field, row.medium as 'air' | 'water');
        expect(value as number).toBeGreaterThanOrEqual(range?.min ?? -Infinity);
        expect(value as number).toBeLessThanOrEqual(range?.max ?? Infinity);
        // The simulated world runs at ×1 here: the last poll and the served value differ by the drift of
        // a few hundred ms plus the register's resolution (×0.1 or ×0.01 scales, float32).
        const expected = served[field] as number;
        expect(Math.abs((value as number) - expected), `${station.id}.${field}`).toBeLessThanOrEqual(
          Math.max(0.06, Math.abs(expected) * 0.02),
        );
      }
    }
  });

  it('stores camera events in the order new → update → end for each object', async () => {
    const rows = await eventually(async () => {
      const r = await query(t.influxUrl, t.database, 'SELECT event_id, "type" FROM camera_event');
      return r.some((x) => x.type === 'end') ? r : null;
    }, 20_000);
    const byEvent = new Map<string, string[]>();
    for (const row of (rows ?? []).sort((a, b) => (rfc3339Ns(a.time) < rfc3339Ns(b.time) ? -1 : 1))) {
      byEvent.set(String(row.event_id), [...(byEvent.get(String(row.event_id)) ?? []), String(row.type)]);
    }
    expect(byEvent.size).toBeGreaterThan(3);
    for (const [id, types] of byEvent) {
      expect(types[0], id).toBe('new');
      const end = types.indexOf('end');
      if (end >= 0) expect(end, `${id}: ${types.join(' ')}`).toBe(types.length - 1);
      expect(
        types.slice(1, end >= 0 ? end : undefined).every((x) => x === 'update'),
        `${id}: ${types.join(' ')}`,
      ).toBe(true);
    }
  });
});
