/**
 * Retention (Decree 41/2026, VMS data ≥ 36 months) against a real InfluxDB 1.x: a shorter default policy
 * is lengthened to `influx.minRetentionDays` when the hub manages the database, a configured policy that
 * does not exist is created, an infinite one is left alone, and nothing is ever shortened or changed on a
 * database the hub does not manage.
 */
import { describe, expect, it } from 'vitest';
import { InfluxConfigSchema } from '../../config/schema.ts';
import { silentLogger } from '../../hub/log.ts';
import { durationDays, ensureRetention } from '../../ingest/retention.ts';
import { eventually, startTestHub } from '../helpers/hub.ts';
import { query, sharedInflux, sharedInfluxUrl, uniqueDatabase } from '../helpers/influxd.ts';

async function influxql(url: string, q: string): Promise<void> {
  const res = await fetch(`${url}/query`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ q }),
  });
  const body = await res.text();
  if (!res.ok || body.includes('"error"')) throw new Error(`${q}: ${body}`);
}

async function policies(url: string, db: string): Promise<Record<string, number>> {
  const rows = await query(url, db, `SHOW RETENTION POLICIES ON "${db}"`);
  return Object.fromEntries(rows.map((r) => [r.name as string, durationDays(r.duration as string)]));
}

async function target(database: string, extra: Record<string, unknown> = {}) {
  const url = await sharedInfluxUrl();
  return { ...InfluxConfigSchema.parse({ database, ...extra }), url };
}

// Retention policies are InfluxDB 1.x statements; a 2.x server (a token) keeps retention on the bucket.
describe.skipIf(Boolean(sharedInflux().token))('retention', () => {
  it('reads InfluxDB durations', () => {
    expect(durationDays('26400h0m0s')).toBe(1100);
    expect(durationDays('720h0m0s')).toBe(30);
    expect(durationDays('0s')).toBe(0);
  });

  it('lengthens a 30-day default policy to 1100 days, and never shortens', async () => {
    const t = await target(uniqueDatabase('ret'));
    await influxql(t.url, `CREATE DATABASE "${t.database}" WITH DURATION 30d NAME "month"`);
    expect(await ensureRetention(t, silentLogger)).toEqual({
      kind: 'lengthened',
      policy: 'month',
      days: 1100,
    });
    expect((await policies(t.url, t.database)).month).toBe(1100);
    expect(await ensureRetention({ ...t, minRetentionDays: 400 }, silentLogger)).toMatchObject({
      kind: 'ok',
      days: 1100,
    });
    expect((await policies(t.url, t.database)).month).toBe(1100);
  });

  it('creates a configured policy that is missing; leaves an infinite default alone', async () => {
    const t = await target(uniqueDatabase('ret'), { retentionPolicy: 'vessel_36m' });
    await influxql(t.url, `CREATE DATABASE "${t.database}"`);
    expect(await ensureRetention(t, silentLogger)).toEqual({
      kind: 'created',
      policy: 'vessel_36m',
      days: 1100,
    });
    expect(await policies(t.url, t.database)).toEqual({ autogen: 0, vessel_36m: 1100 });
    const plain = await target(t.database);
    expect(await ensureRetention(plain, silentLogger)).toEqual({
      kind: 'ok',
      policy: 'autogen',
      days: 'infinite',
    });
  });

  it('only warns on a database the hub does not manage', async () => {
    const t = await target(uniqueDatabase('ret'), { createDatabase: false });
    await influxql(t.url, `CREATE DATABASE "${t.database}" WITH DURATION 7d NAME "week"`);
    expect(await ensureRetention(t, silentLogger)).toEqual({ kind: 'too_short', policy: 'week', days: 7 });
    expect((await policies(t.url, t.database)).week).toBe(7);
  });

  it('is checked by the hub at start', async () => {
    const database = uniqueDatabase('ret');
    const url = await sharedInfluxUrl();
    await influxql(url, `CREATE DATABASE "${database}" WITH DURATION 90d NAME "quarter"`);
    const t = await startTestHub({}, { database });
    try {
      expect(await eventually(async () => (await policies(url, database)).quarter === 1100)).toBe(true);
    } finally {
      await t.stop();
    }
  });
});
