/**
 * Nothing accepted is lost: points spooled while InfluxDB is unreachable are written after a restart of
 * the hub, and points acknowledged during an InfluxDB outage are all written once it returns — none
 * twice, as the writer's own record shows (InfluxDB would hide a duplicate by overwriting it).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeRmc } from '../../adapters/nmea/encode.ts';
import { analyseRecord } from '../../ingest/spool-record.ts';
import { eventually, mqttClient, startTestHub } from '../helpers/hub.ts';
import { countPoints, privateInfluxd, sharedInfluxUrl, uniqueDatabase } from '../helpers/influxd.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function publishPositions(port: number, vessel: string, fromMs: number, count: number): Promise<void> {
  const client = await mqttClient(port, { clientId: vessel });
  for (let i = 0; i < count; i++) {
    const rmc = encodeRmc({
      timeMs: fromMs + i * 1000,
      lat: 16.6 + i * 1e-4,
      lon: 107.7,
      sogKn: 6,
      cogDeg: 45,
    });
    await client.publishAsync(`vessels/${vessel}/nmea`, rmc, { qos: 1 });
  }
  await client.endAsync();
}

describe('durability', () => {
  it('writes points still in the spool after the hub restarts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hub-restart-'));
    dirs.push(dir);
    const database = uniqueDatabase('restart');
    // Port 9 (discard) has no listener here, and no test's port-0 server can ever be given it.
    const deadUrl = 'http://127.0.0.1:9';
    const first = await startTestHub({ influx: { url: deadUrl } }, { dir, database });
    const base = Math.floor(Date.now() / 1000) * 1000 - 120_000;
    await publishPositions(first.hub.mqttPort, 'TTH-91001-TS', base, 25);
    expect(first.hub.durable.stats().spoolLines).toBeGreaterThanOrEqual(25);
    await first.stop();

    const url = await sharedInfluxUrl();
    const second = await startTestHub({ influx: { url } }, { dir, database });
    try {
      const n = await eventually(async () =>
        (await countPoints(url, database, 'vessel_position')) >= 25 ? 25 : 0,
      );
      expect(n).toBe(25);
      expect(await countPoints(url, database, 'vessel_position')).toBe(25);
    } finally {
      await second.stop();
    }
  });

  it('writes every acknowledged point after an InfluxDB outage, none twice', async () => {
    const influxd = await privateInfluxd();
    const dir = mkdtempSync(join(tmpdir(), 'hub-outage-'));
    dirs.push(dir);
    const record = join(dir, 'sent.log');
    const t = await startTestHub({ influx: { url: influxd.url } }, { dir, writerRecordFile: record });
    try {
      const base = Math.floor(Date.now() / 1000) * 1000 - 600_000;
      await publishPositions(t.hub.mqttPort, 'TTH-91002-TS', base, 100);
      await eventually(async () => (await countPoints(influxd.url, t.database, 'vessel_position')) >= 100);

      await influxd.stop();
      await publishPositions(t.hub.mqttPort, 'TTH-91002-TS', base + 100_000, 150);
      const health = await t.hub.app.inject({ method: 'GET', url: '/health' });
      const ready = await t.hub.app.inject({ method: 'GET', url: '/health/ready' });
      expect(ready.statusCode).toBe(200); // the spool absorbs an InfluxDB outage
      expect(health.json().components.influxdb.ok).toBe(false);

      await influxd.start();
      const n = await eventually(
        async () => ((await countPoints(influxd.url, t.database, 'vessel_position')) >= 250 ? 250 : 0),
        30_000,
      );
      expect(n).toBe(250);
      expect(await eventually(() => t.hub.durable.stats().spoolLines === 0, 10_000)).toBe(true);
    } finally {
      await t.stop();
      await influxd.dispose();
    }
    const analysis = analyseRecord(record);
    expect(analysis.linesSent).toBe(analysis.distinctLines);
    expect(analysis.distinctLines).toBeGreaterThanOrEqual(250);
  });
});
