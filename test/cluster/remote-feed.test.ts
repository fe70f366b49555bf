/**
 * The leader's remote feed on a real aedes broker: a message that another hub's client published (its
 * packet carries that hub's `brokerId`) reaches the alert engine as the points its origin hub stored,
 * the RMC and GGA of one fix as one point; the leader's own clients' messages are left to its pipeline.
 */
import { Aedes } from 'aedes';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeGga, encodeRmc } from '../../adapters/nmea/encode.ts';
import { RemoteFeed } from '../../cluster/remote-feed.ts';
import type { Point } from '../../ingest/point.ts';
import { Registry } from '../../ingest/registry.ts';

const NOW = Date.parse('2026-11-25T08:00:00.500Z');
const FIX = { timeMs: NOW - 500, lat: 16.62, lon: 107.71 };
const brokers: Aedes[] = [];
afterEach(async () => {
  for (const b of brokers.splice(0)) await new Promise<void>((r) => b.close(() => r()));
});

function emit(broker: Aedes, brokerId: string, topic: string, text: string): Promise<void> {
  const packet = {
    cmd: 'publish',
    topic,
    payload: Buffer.from(text),
    qos: 0,
    retain: false,
    dup: false,
    brokerId,
  };
  // The broker's own emitter (untyped in aedes's types): what the shared emitter hands every hub.
  const { mq } = broker as unknown as { mq: { emit(packet: object, done: () => void): void } };
  return new Promise((resolve) => mq.emit(packet, () => resolve()));
}

describe('remote feed', () => {
  it("turns another hub's NMEA message into one point per fix, and skips this hub's own", async () => {
    const broker = await Aedes.createBroker({ id: 'hub-a' });
    brokers.push(broker);
    const received: Point[] = [];
    const feed = new RemoteFeed({
      aedes: broker,
      registry: new Registry([]),
      log: pino({ level: 'silent' }),
      now: () => NOW,
      maxAgeDays: 30,
      stationFieldAliases: {},
      onPoints: (points) => received.push(...points),
    });
    await feed.start();
    const text = `${encodeRmc({ ...FIX, sogKn: 6, cogDeg: 90 })}\r\n${encodeGga({ ...FIX, fix: 1, sats: 9 })}\r\n`;
    await emit(broker, 'hub-b', 'vessels/TTH-90123-TS/nmea', text);
    await emit(broker, 'hub-a', 'vessels/TTH-90123-TS/nmea', text);
    await feed.stop();
    expect(received).toHaveLength(1);
    expect(received[0]?.fields).toMatchObject({ lat: 16.62, lon: 107.71, sog_kn: 6, sats: 9, fix: 1 });
    expect(feed.stats).toMatchObject({ messages: 1, points: 1, refused: 0 });
  });
});
