/**
 * A subscriber that never reads (a raw socket subscribed to `#`, then paused) must not stall ingest or the
 * other subscribers: aedes drops it after `broker.drainTimeoutMs` (short here to keep the test short),
 * while every publish is acknowledged, every vessel report stored and every relayed message delivered
 * to a subscriber that does read.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { eventually, startTestHub, type TestHub } from '../helpers/hub.ts';
import { countPoints } from '../helpers/influxd.ts';
import { vmsReport } from './hub-process.ts';
import { publishWindowed, RawMqtt } from './raw-mqtt.ts';

const DRAIN_TIMEOUT_MS = 500;
const RELAYED = 300;
const RELAY_BYTES = 64 * 1024; // 300 × 64 KiB ≈ 19 MiB: more than the socket buffers of a paused reader
const REPORTS = 200;

const hubs: TestHub[] = [];
afterAll(async () => {
  for (const t of hubs) await t.stop();
});

describe('slow consumer', () => {
  it('is dropped after drainTimeoutMs without stalling ingest or other subscribers', async () => {
    const t = await startTestHub({ broker: { drainTimeoutMs: DRAIN_TIMEOUT_MS, maxPublishPerSecond: 0 } });
    hubs.push(t);
    const port = t.hub.mqttPort;
    const slow = await RawMqtt.connect(port, { clientId: 'slow-reader' });
    expect(await slow.subscribe(['#'])).toEqual([0]);
    slow.socket.pause(); // never reads again

    const reader = await RawMqtt.connect(port, { clientId: 'good-reader' }, true);
    expect(await reader.subscribe(['relay/#'])).toEqual([0]);
    const publisher = await RawMqtt.connect(port, { clientId: 'publisher' });
    const vessel = await RawMqtt.connect(port, { clientId: 'TTH-97100-TS' });

    const started = performance.now();
    const bulk = Buffer.alloc(RELAY_BYTES, 0x61);
    const base = Date.now() - 600_000;
    const [relayed, reports] = await Promise.all([
      publishWindowed(publisher, RELAYED, () => ({ topic: 'relay/bulk', payload: bulk }), { window: 16 }),
      publishWindowed(
        vessel,
        REPORTS,
        (i) => ({
          topic: 'vessels/TTH-97100-TS/vms',
          payload: vmsReport(base, i),
        }),
        { window: 8 },
      ),
    ]);
    const publishMs = performance.now() - started;
    expect(relayed).toBe(RELAYED);
    expect(reports).toBe(REPORTS);

    // The reader gets every relayed message; the slow one is disconnected by the broker.
    expect(await eventually(() => reader.received.length >= RELAYED, 15_000, 50)).toBe(true);
    expect(reader.received.filter((p) => p.cmd === 'publish')).toHaveLength(RELAYED);
    expect(await eventually(() => t.hub.broker.clientCount() === 3, 5_000, 50)).toBe(true);
    const metrics = await t.hub.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(/hub_mqtt_errors_total\{kind="drain_timeout"\} [1-9]/);

    expect(
      await eventually(
        async () => (await countPoints(t.influxUrl, t.database, 'vessel_position')) >= REPORTS,
      ),
    ).toBe(true);
    console.info(
      `slow consumer: ${RELAYED} × 64 KiB relayed and ${REPORTS} reports stored in ${Math.round(publishMs)} ms with a frozen subscriber on #`,
    );
    for (const c of [reader, publisher, vessel, slow]) c.destroy();
  });
});
