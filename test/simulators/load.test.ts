/**
 * The load generator: its hand-assembled PUBLISH packets are byte for byte mqtt-packet's, its latency
 * percentiles are right, and against a real broker it sends what it reports, every QoS 1 publish
 * acknowledged, within its bounds.
 */
import { generate } from 'mqtt-packet';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNmeaAdapter } from '../../adapters/nmea/index.ts';
import { Registry } from '../../ingest/registry.ts';
import { SeriesClock } from '../../ingest/time.ts';
import { run as loadCli } from '../../simulators/load/cli.ts';
import { LatencyRecorder } from '../../simulators/load/latency.ts';
import { PublishEncoder } from '../../simulators/load/packets.ts';
import { startLoad } from '../../simulators/load/run.ts';
import { startBroker, type TestBroker } from './aedes-broker.ts';

describe('PublishEncoder', () => {
  const topic = 'vessels/TTH-90123-TS/nmea'; // 2 + 25 bytes on the wire, + 2 for a QoS 1 packet id
  it.each([
    ['QoS 0, short payload', 0, 10, 0],
    ['QoS 1, remaining length 127: one byte', 1, 127 - 29, 7],
    ['QoS 1, remaining length 128: two bytes', 1, 128 - 29, 65_535],
    ['QoS 0, remaining length 20027: three bytes', 0, 20_000, 0],
  ] as const)('%s matches mqtt-packet', (_, qos, size, messageId) => {
    const payload = Buffer.alloc(size, 0x41);
    const ours = new PublishEncoder(topic, qos).encode(payload, messageId);
    const theirs = generate({
      cmd: 'publish',
      topic,
      payload,
      qos,
      dup: false,
      retain: false,
      ...(qos === 1 ? { messageId } : {}),
    });
    expect(ours.equals(theirs)).toBe(true);
  });
});

describe('LatencyRecorder', () => {
  it('gives nearest-rank percentiles, the mean and the maximum', () => {
    const r = new LatencyRecorder();
    for (let i = 1; i <= 1000; i++) r.record(i);
    expect(r.summary()).toEqual({ samples: 1000, p50: 500, p90: 900, p99: 990, max: 1000, mean: 500.5 });
  });

  it('keeps a bounded sample of long runs that still estimates the percentiles', () => {
    const r = new LatencyRecorder(1000, 1);
    for (let i = 0; i < 100_000; i++) r.record(i % 100);
    const s = r.summary();
    expect(s.samples).toBe(100_000);
    expect(s.max).toBe(99);
    expect(s.p50).toBeGreaterThanOrEqual(45);
    expect(s.p50).toBeLessThanOrEqual(55);
  });
});

describe('startLoad against a broker', () => {
  let broker: TestBroker;
  beforeAll(async () => {
    broker = await startBroker();
  });
  afterAll(async () => {
    await broker.close();
  });

  it('sends exactly --count QoS 1 publishes, every one acknowledged, from spread source addresses', async () => {
    broker.received.length = 0;
    const handle = await startLoad({
      url: broker.url,
      connections: 5,
      qos: 1,
      count: 2000,
      spreadSources: true,
    });
    const report = await handle.done;
    expect(report).toMatchObject({ connections: 5, qos: 1, sent: 2000, acked: 2000, errors: 0 });
    expect(report.latencyMs.samples).toBe(2000);
    expect(report.latencyMs.p50).toBeGreaterThan(0);
    expect(report.latencyMs.p99).toBeGreaterThanOrEqual(report.latencyMs.p50);
    expect(broker.received).toHaveLength(2000);
    // One vessel per connection, logged in under its own id.
    const clients = new Set(broker.received.map((m) => m.client));
    expect(clients.size).toBe(5);
    for (const id of clients) expect(broker.logins.get(id)?.username).toBe(id);
  });

  it('publishes RMC+GGA the NMEA decoder reads, each carrying its publish time, unique per vessel', async () => {
    const received = broker.received.filter((m) => m.topic.endsWith('/nmea'));
    const nmea = createNmeaAdapter({
      log: pino({ level: 'silent' }),
      registry: new Registry(),
      seriesClock: new SeriesClock(),
      limits: { maxAgeDays: 7 },
      now: () => Date.now(),
    });
    const timesByVessel = new Map<string, Set<bigint>>();
    for (const m of received.slice(0, 500)) {
      const result = nmea.decode({
        topic: m.topic,
        payload: m.payload,
        client: m.client,
        receivedAtMs: m.atMs,
      });
      expect(result.rejects).toEqual([]);
      expect(result.points.length).toBeGreaterThan(0);
      const times = timesByVessel.get(m.client) ?? new Set();
      times.add(result.points[0]!.time);
      timesByVessel.set(m.client, times);
      // Carried time ≈ publish time: never after the broker's receipt, and close to it.
      const carriedMs = Number(result.points[0]!.time / 1_000_000n);
      expect(carriedMs).toBeLessThanOrEqual(m.atMs + 1000);
      expect(m.atMs - carriedMs).toBeLessThan(5000);
    }
    const perVessel = [...timesByVessel.values()].reduce((s, t) => s + t.size, 0);
    expect(perVessel).toBe(Math.min(500, received.length));
  });

  it('holds a target rate within its duration (QoS 0)', async () => {
    broker.received.length = 0;
    const handle = await startLoad({ url: broker.url, connections: 4, qos: 0, rate: 400, durationMs: 1500 });
    const report = await handle.done;
    expect(report.sent).toBeGreaterThan(400 * 1.5 * 0.8);
    expect(report.sent).toBeLessThanOrEqual(400 * 1.5 * 1.1);
    expect(report.acked).toBe(0);
    await expect.poll(() => broker.received.length).toBe(report.sent);
  });

  it('runs from its command line and prints the report as JSON', async () => {
    let out = '';
    await loadCli(['--url', broker.url, '--connections', '2', '--qos', '1', '--count', '100'], {
      log: pino({ level: 'silent' }),
      stdout: (t) => {
        out += t;
      },
      progress: null,
    });
    expect(JSON.parse(out)).toMatchObject({ sent: 100, acked: 100, connections: 2, qos: 1 });
  });

  it('fails to start, and says why, when the broker refuses the connection', async () => {
    await expect(startLoad({ url: 'mqtt://127.0.0.1:1', connections: 1, count: 1 })).rejects.toThrow(
      /ECONNREFUSED/,
    );
  });
});
