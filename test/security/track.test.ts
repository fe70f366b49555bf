/**
 * `GET /api/vessels/{id}/track` against a real InfluxDB: positions published over MQTT come back as
 * GeoJSON (a LineString and one Point per fix, [lon, lat]) or CSV, limited to the range and source asked
 * for, behind an operator token when tokens are configured; each export is written to the audit log.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeRmc } from '../../adapters/nmea/encode.ts';
import { hashToken } from '../../hub/http-auth.ts';
import { eventually, mqttClient, startTestHub, type TestHub } from '../helpers/hub.ts';
import { countPoints } from '../helpers/influxd.ts';

const VESSEL = 'TTH-98300-TS';
const TOKEN = 'inspector-token-5e6f7a8b9c';
const BASE = Math.floor(Date.now() / 60_000) * 60_000 - 3600_000;
let t: TestHub;

beforeAll(async () => {
  t = await startTestHub({
    http: { tokens: [{ name: 'inspector', hash: hashToken(TOKEN), scopes: ['read'] }] },
  });
  const client = await mqttClient(t.hub.mqttPort, { clientId: VESSEL });
  for (let i = 0; i < 5; i++) {
    const rmc = encodeRmc({
      timeMs: BASE + i * 60_000,
      lat: 16.6 + i * 0.01,
      lon: 107.7 + i * 0.01,
      sogKn: 7,
      cogDeg: 45,
    });
    await client.publishAsync(`vessels/${VESSEL}/nmea`, rmc, { qos: 1 });
  }
  const vms = {
    time: new Date(BASE + 150_000).toISOString(),
    lat: 16.65,
    lon: 107.75,
    speed_kn: 7,
    course_deg: 45,
    seq: 77,
    terminal: 'T-1',
  };
  await client.publishAsync(`vessels/${VESSEL}/vms`, JSON.stringify(vms), { qos: 1 });
  await client.endAsync();
  await eventually(async () => (await countPoints(t.influxUrl, t.database, 'vessel_position')) >= 6);
});

afterAll(async () => {
  await t?.stop();
});

const auth = { authorization: `Bearer ${TOKEN}` };
const range = `from=${new Date(BASE - 1000).toISOString()}&to=${new Date(BASE + 3600_000).toISOString()}`;

describe('vessel track export', () => {
  it('answers GeoJSON: a LineString of the track and a Point per fix', async () => {
    const res = await t.hub.app.inject({ url: `/api/vessels/${VESSEL}/track?${range}`, headers: auth });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/application\/geo\+json/);
    const body = res.json() as {
      features: Array<{
        geometry: { type: string; coordinates: unknown };
        properties: Record<string, unknown>;
      }>;
    };
    const [line, ...points] = body.features;
    expect(line?.geometry.type).toBe('LineString');
    expect(line?.properties.fixes).toBe(6);
    expect(points).toHaveLength(6);
    expect(points[0]?.geometry.coordinates).toEqual([107.7, 16.6]); // RFC 7946: [lon, lat]
    expect(points[0]?.properties).toMatchObject({ source: 'nmea', sog_kn: 7, cog_deg: 45 });
    expect(Date.parse(points[0]?.properties.time as string)).toBe(BASE);
    const vms = points.find((p) => p.properties.source === 'vms');
    expect(vms?.properties).toMatchObject({ seq: 77, terminal: 'T-1' });
  });

  it('answers CSV for ?format=csv or Accept: text/csv, filtered by range and source', async () => {
    const from = new Date(BASE + 60_000).toISOString();
    const to = new Date(BASE + 180_000).toISOString();
    const res = await t.hub.app.inject({
      url: `/api/vessels/${VESSEL}/track?from=${from}&to=${to}&source=nmea`,
      headers: { ...auth, accept: 'text/csv' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toMatch(/attachment; filename="track-TTH-98300-TS-/);
    const rows = res.body.trim().split('\r\n');
    expect(rows[0]).toBe('time,vessel,lat,lon,source,terminal,mmsi,sog_kn,cog_deg,heading_deg,seq,sos');
    expect(rows.slice(1).map((r) => Date.parse(r.split(',')[0] as string))).toEqual([
      BASE + 60_000,
      BASE + 120_000,
    ]);
    const csv = await t.hub.app.inject({
      url: `/api/vessels/${VESSEL}/track?${range}&format=csv`,
      headers: auth,
    });
    expect(csv.body.trim().split('\r\n')).toHaveLength(7);
  });

  it('needs a token, refuses bad parameters, and records every export in the audit log', async () => {
    expect((await t.hub.app.inject({ url: `/api/vessels/${VESSEL}/track?${range}` })).statusCode).toBe(401);
    for (const q of [
      'from=yesterday',
      `from=${new Date(BASE).toISOString()}&to=${new Date(BASE - 1).toISOString()}`,
      'source=gps',
      'format=kml',
    ]) {
      expect(
        (await t.hub.app.inject({ url: `/api/vessels/${VESSEL}/track?${q}`, headers: auth })).statusCode,
        q,
      ).toBe(400);
    }
    expect((await t.hub.app.inject({ url: "/api/vessels/x'or'1/track", headers: auth })).statusCode).toBe(
      400,
    );
    const empty = await t.hub.app.inject({ url: `/api/vessels/TTH-00001-TS/track?${range}`, headers: auth });
    expect(empty.json()).toEqual({ type: 'FeatureCollection', features: [] });

    const audit = readFileSync(join(t.dir, 'data/audit.log'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const exports = audit.filter((e) => e.action === 'track.export');
    expect(exports.length).toBeGreaterThanOrEqual(3);
    expect(exports[0]).toMatchObject({
      actor: 'http:inspector',
      target: VESSEL,
      detail: { points: 6, format: 'geojson' },
    });
  });
});
