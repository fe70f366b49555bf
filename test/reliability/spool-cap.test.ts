/**
 * The spool cap: with a tiny `spool.maxBytes` and InfluxDB down, the hub stops acknowledging QoS 1
 * publishes once the spool is full (the device keeps its message), refuses and counts QoS 0 ones, says so
 * in /health, and leaves what it holds intact; when InfluxDB returns the spool drains, the withheld
 * PUBACKs leave, and every acknowledged report is stored.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually, startTestHub, type TestHub } from '../helpers/hub.ts';
import { countPoints, type PrivateInfluxd, privateInfluxd } from '../helpers/influxd.ts';
import { vmsReport } from './hub-process.ts';
import { RawMqtt } from './raw-mqtt.ts';

const VESSEL = 'TTH-97200-TS';
const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

const report = vmsReport;

const settledWithin = (p: Promise<unknown>, ms: number) =>
  Promise.race([p.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms))]);

describe('spool cap', () => {
  it('withholds QoS 1 PUBACKs, refuses QoS 0, keeps its files whole, and resumes when InfluxDB returns', async () => {
    const influxd: PrivateInfluxd = await privateInfluxd();
    cleanups.push(() => influxd.dispose());
    const t: TestHub = await startTestHub({
      influx: { url: influxd.url },
      spool: { maxBytes: 4096, segmentBytes: 4096 },
      broker: { maxPublishPerSecond: 0 },
    });
    cleanups.push(() => t.stop());
    await influxd.stop();

    const device = await RawMqtt.connect(t.hub.mqttPort, { clientId: VESSEL });
    const base = Date.now() - 600_000;
    let acked = 0;
    let withheld: Promise<void> | undefined;
    for (let i = 0; i < 200 && !withheld; i++) {
      const puback = device.publish(`vessels/${VESSEL}/vms`, report(base, i), 1);
      if (await settledWithin(puback, 1000)) acked++;
      else withheld = puback;
    }
    expect(withheld).toBeDefined();
    expect(acked).toBeGreaterThan(5);
    expect(device.closed).toBe(false); // backpressure, not a disconnect

    const health = await t.hub.app.inject({ method: 'GET', url: '/health' });
    expect(health.json().components.spool.ok).toBe(false);
    expect(health.json().components.spool.reason).toMatch(/full/);
    expect((await t.hub.app.inject({ method: 'GET', url: '/health/ready' })).statusCode).toBe(503);

    const sensor = await RawMqtt.connect(t.hub.mqttPort, { clientId: 'TTH-97201-TS' });
    for (let i = 0; i < 10; i++) await sensor.publish('vessels/TTH-97201-TS/vms', report(base, i), 0);
    expect(
      await eventually(
        async () => ((await t.hub.metrics.refusedQos0.get()).values[0]?.value ?? 0) >= 10,
        5000,
        50,
      ),
    ).toBe(true);

    // Nothing corrupted or cut: every spool file holds whole lines only, as many as the spool counts.
    const spoolDir = join(t.dir, 'spool');
    let lines = 0;
    for (const name of readdirSync(spoolDir).filter((n) => n.endsWith('.log'))) {
      const text = readFileSync(join(spoolDir, name), 'utf8');
      if (text.length === 0) continue;
      expect(text.endsWith('\n')).toBe(true);
      for (const line of text.slice(0, -1).split('\n')) {
        expect(line).toMatch(/^[a-z_]+,[^ ]+ [^ ]+ \d+$/);
        lines++;
      }
    }
    expect(lines).toBe(t.hub.durable.stats().spoolLines);

    await influxd.start();
    expect(await settledWithin(withheld as Promise<void>, 20_000)).toBe(true);
    for (let i = 200; i < 205; i++) await device.publish(`vessels/${VESSEL}/vms`, report(base, i), 1);
    expect(await eventually(() => t.hub.health().ready, 10_000)).toBe(true);
    const expected = acked + 1 + 5;
    expect(
      await eventually(
        async () => (await countPoints(influxd.url, t.database, 'vessel_position')) >= expected,
        20_000,
      ),
    ).toBe(true);
    // Only the acknowledged reports and the withheld one: the refused QoS 0 messages were never taken.
    expect(await countPoints(influxd.url, t.database, 'vessel_position')).toBe(expected);
    console.info(
      `spool cap: ${acked} acknowledged before the cap, 1 withheld until InfluxDB returned, 10 QoS 0 refused`,
    );
    device.destroy();
    sensor.destroy();
  });
});
