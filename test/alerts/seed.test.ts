import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SilenceRule } from '../../alerts/rule-schema.ts';
import {
  buildLastQuery,
  fleetSeedQuery,
  parseLastSeen,
  rowsFromQueryResponse,
  silenceSeedQueries,
} from '../../alerts/seed.ts';
import { createDatabase, query, sharedInfluxUrl, uniqueDatabase } from '../helpers/influxd.ts';
import { VESSEL_SILENT_6H, VMS_OR_NMEA } from './rules.ts';
import { type Harness, harness } from './service-support.ts';
import { FIXTURES, HOUR, rule } from './support.ts';

const VMS_6H = { ...VESSEL_SILENT_6H, where: VMS_OR_NMEA, onlyAtSea: true };

const fixture = (name: string) => JSON.parse(readFileSync(join(FIXTURES, 'seed', name), 'utf8'));

describe('seed queries', () => {
  it('builds SELECT last(...) with the where tags and GROUP BY the entity tags, quoted', () => {
    expect(silenceSeedQueries(rule(VMS_6H) as SilenceRule)).toEqual([
      `SELECT last("lat") FROM "vessel_position" WHERE time > now() - 30d AND ("source" = 'vms' OR "source" = 'nmea') GROUP BY "vessel"`,
    ]);
    expect(
      buildLastQuery({
        measurement: 'environment',
        field: 'pm25',
        tags: { station: ["it's"] },
        groupBy: ['station', 'medium'],
        horizonMs: 90 * 60_000,
      }),
    ).toBe(
      `SELECT last("pm25") FROM "environment" WHERE time > now() - 5400000ms AND "station" = 'it\\'s' GROUP BY "station", "medium"`,
    );
    // A 10-day rule looks back twice its period; a rule without seed field makes no query.
    expect(silenceSeedQueries(rule({ ...VMS_6H, after: '20d' }) as SilenceRule)[0]).toContain('now() - 40d');
    expect(silenceSeedQueries(rule({ ...VMS_6H, requireFields: [] }) as SilenceRule)).toEqual([]);
    expect(fleetSeedQuery()).toBe(
      `SELECT last("lat") AS "lat", "lon" FROM "vessel_position" WHERE time > now() - 30d GROUP BY "vessel"`,
    );
  });

  it('parses the /query answer: RFC 3339 (ns) or epoch-ms times, tags per series; errors throw', () => {
    const rows = rowsFromQueryResponse(fixture('last-lat.json'));
    const seen = parseLastSeen(rows, ['vessel']);
    expect([...seen]).toEqual([
      ['TTH-90123-TS', { ms: Date.parse('2025-03-01T00:00:00.123Z'), tags: { vessel: 'TTH-90123-TS' } }],
      ['mmsi:574001230', { ms: 1740787200000, tags: { vessel: 'mmsi:574001230' } }],
      // The row with an empty tag names no entity.
    ]);
    expect(() => rowsFromQueryResponse(fixture('error.json'))).toThrow(/database not found/);
  });
});

describe('a vessel silent across a hub restart (real InfluxDB)', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.service.stop();
    h?.cleanup();
  });

  it('learns last positions from InfluxDB at start and alerts for the one silent over 6 h at sea', async () => {
    const url = await sharedInfluxUrl();
    const db = uniqueDatabase('alerts_seed');
    await createDatabase(url, db);
    const now = Date.now();
    const ns = (ms: number) => `${BigInt(ms) * 1_000_000n}`;
    const lines = [
      // Silent 8 h, last seen at sea; heard by AIS since (AIS does not count).
      `vessel_position,vessel=TTH-1-TS,source=vms lat=17.0,lon=108.3 ${ns(now - 8 * HOUR)}`,
      `vessel_position,vessel=TTH-1-TS,source=ais lat=17.01,lon=108.31 ${ns(now - HOUR)}`,
      // Reporting: 1 h ago.
      `vessel_position,vessel=TTH-2-TS,source=nmea lat=16.9,lon=107.9 ${ns(now - HOUR)}`,
      // Silent 9 h but in port (Thuan An).
      `vessel_position,vessel=TTH-3-TS,source=vms lat=16.558,lon=107.64 ${ns(now - 9 * HOUR)}`,
    ].join('\n');
    const res = await fetch(`${url}/write?db=${db}`, { method: 'POST', body: lines });
    expect(res.status).toBe(204);

    h = await harness({ rules: [VMS_6H] }, { clock: { now }, query: (influxql) => query(url, db, influxql) });
    expect(h.service.health().seed).toMatchObject({ ok: true, vessels: 3 });
    expect(h.service.listActive().map((a) => [a.rule, a.entity, a.state])).toEqual([
      ['vms-silent-6h', 'TTH-1-TS', 'firing'],
    ]);
    expect(h.points.map((p) => p.fields.transition_id)).toEqual([
      `vms-silent-6h:TTH-1-TS:firing:${now - 8 * HOUR + 6 * HOUR}`,
    ]);
    expect(h.service.fleet().get('TTH-3-TS')).toMatchObject({ port: 'Thuan An', zone: 'inshore' });
  });
});
