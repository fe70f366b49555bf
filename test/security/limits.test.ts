/**
 * The broker's limits against the real broker: a socket that never sends CONNECT is dropped after
 * `connectTimeoutMs`; sockets beyond `maxConnections` are closed at once; a client holding
 * `maxSubscriptionsPerClient` filters gets 0x80 for more; publishes over `maxPublishPerSecond` are
 * acknowledged, dead-lettered `rate_limited` and not ingested, and the client stays connected.
 */
import { connect } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { PublishRateLimiter } from '../../broker/limits.ts';
import { TokenBucket } from '../../broker/token-bucket.ts';
import { eventually, startTestHub, type TestHub } from '../helpers/hub.ts';
import { countPoints, query } from '../helpers/influxd.ts';
import { RawMqtt } from '../reliability/raw-mqtt.ts';

const hubs: TestHub[] = [];
afterAll(async () => {
  for (const t of hubs) await t.stop();
});

async function hub(broker: Record<string, unknown>): Promise<TestHub> {
  const t = await startTestHub({ broker });
  hubs.push(t);
  return t;
}

function openSocket(port: number) {
  const socket = connect({ host: '127.0.0.1', port });
  socket.on('error', () => {});
  const closed = new Promise<number>((resolve) => {
    const started = performance.now();
    socket.once('close', () => resolve(performance.now() - started));
  });
  return { socket, closed };
}

describe('token bucket', () => {
  it('allows the burst, then the rate', () => {
    const bucket = new TokenBucket(2, 3, 0);
    expect([1, 2, 3, 4].map(() => bucket.take(0))).toEqual([true, true, true, false]);
    expect(bucket.waitMs(0)).toBe(500);
    expect(bucket.take(500)).toBe(true);
    expect(bucket.take(500)).toBe(false);
    expect(bucket.isFull(10_000)).toBe(true);
  });

  it('limits a client by name (a reconnect does not refill it), and its dead letters to the same rate', () => {
    const limiter = new PublishRateLimiter(2, 2);
    const seen = [0, 0, 0, 0, 0].map(() => limiter.check('TTH-1-TS', 0));
    expect(seen).toEqual(['ok', 'ok', 'limited', 'limited', 'limited_quietly']);
    expect(limiter.check('TTH-2-TS', 0)).toBe('ok');
    expect(limiter.check('TTH-1-TS', 500)).toBe('ok');
  });
});

describe('broker limits', () => {
  it('drops a socket that sends nothing after connectTimeoutMs', async () => {
    const t = await hub({ connectTimeoutMs: 300 });
    const { socket, closed } = openSocket(t.hub.mqttPort);
    const ms = await Promise.race([closed, new Promise<number>((r) => setTimeout(() => r(-1), 5000))]);
    expect(ms).toBeGreaterThanOrEqual(250);
    expect(ms).toBeLessThan(3000);
    socket.destroy();
    const metrics = await t.hub.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(/hub_mqtt_errors_total\{kind="connect_timeout"\} 1/);
  });

  it('closes sockets beyond maxConnections at once and admits again when one leaves', async () => {
    const t = await hub({ maxConnections: 3 });
    const clients = await Promise.all(
      [0, 1, 2].map((i) => RawMqtt.connect(t.hub.mqttPort, { clientId: `c${i}` })),
    );
    const extra = openSocket(t.hub.mqttPort);
    expect(
      await Promise.race([
        extra.closed.then(() => true),
        new Promise((r) => setTimeout(() => r(false), 2000)),
      ]),
    ).toBe(true);
    (clients[0] as RawMqtt).destroy();
    await new Promise((r) => setTimeout(r, 100));
    const again = await RawMqtt.connect(t.hub.mqttPort, { clientId: 'again' });
    expect(again.closed).toBe(false);
    for (const c of [...clients, again]) c.destroy();
    const metrics = await t.hub.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(/hub_connections_refused_total\{reason="max_connections"\} 1/);
  });

  it('refuses subscriptions beyond maxSubscriptionsPerClient (a re-subscription is free)', async () => {
    const t = await hub({ maxSubscriptionsPerClient: 2 });
    const client = await RawMqtt.connect(t.hub.mqttPort, { clientId: 'watcher' });
    expect(await client.subscribe(['a/1', 'a/2'])).toEqual([0, 0]);
    expect(await client.subscribe(['a/1', 'a/3'])).toEqual([0, 128]);
    client.destroy();
  });

  it('dead-letters publishes over maxPublishPerSecond, acknowledged and not ingested', async () => {
    const t = await hub({ maxPublishPerSecond: 5, publishBurst: 5 });
    const vessel = 'TTH-98100-TS';
    const client = await RawMqtt.connect(t.hub.mqttPort, { clientId: vessel });
    const base = Date.now() - 600_000;
    const acks: Array<Promise<void>> = [];
    for (let i = 0; i < 20; i++) {
      const time = new Date(base + i * 1000).toISOString();
      const payload = JSON.stringify({ time, lat: 16.7, lon: 107.8, speed_kn: 5, course_deg: 90, seq: i });
      acks.push(client.publish(`vessels/${vessel}/vms`, payload, 1));
    }
    await Promise.all(acks); // every one acknowledged: no resend loop
    expect(client.closed).toBe(false);
    // The dead letters themselves are limited to the same rate: beyond that the excess is only counted.
    const metrics = (await t.hub.app.inject({ method: 'GET', url: '/metrics' })).body;
    const counted = (recorded: string) =>
      Number(new RegExp(`hub_rate_limited_total\\{recorded="${recorded}"\\} (\\d+)`).exec(metrics)?.[1] ?? 0);
    expect(counted('yes')).toBeGreaterThanOrEqual(5);
    const limited = await eventually(async () => {
      const rows = await query(
        t.influxUrl,
        t.database,
        `SELECT * FROM "deadletter" WHERE "reason" = 'rate_limited'`,
      ).catch(() => []);
      return rows.length >= counted('yes') ? rows : undefined;
    });
    expect(limited?.[0]?.client).toBe(vessel);
    expect(limited?.[0]?.error).toMatch(/maxPublishPerSecond/);
    const stored = await eventually(async () => {
      const n = await countPoints(t.influxUrl, t.database, 'vessel_position');
      return n + counted('yes') + counted('no') === 20 ? n : 0;
    });
    expect(stored).toBeGreaterThanOrEqual(5);
    expect(stored).toBeLessThan(8);
    client.destroy();
  });
});
