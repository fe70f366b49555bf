/**
 * The drainer at moderate rates: while a write is in flight, the lines committed meanwhile go out
 * together in the next request instead of one small request per group commit. A proxy in front of the
 * real influxd holds every /write for a while and records when each one arrived.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { countPoints, sharedInfluxUrl, uniqueDatabase } from '../helpers/influxd.ts';
import { appendAll, DurableWriter, durableOptions, point } from './durable-helpers.ts';
import { closeProxies, influxProxy } from './influx-proxy.ts';

const HOLD_MS = 80;

/** Holds every /write for HOLD_MS before passing it on, and records when each one arrived. */
async function slowProxy(target: string): Promise<{ url: string; writes: number[] }> {
  const writes: number[] = [];
  const { url } = await influxProxy(target, async () => {
    writes.push(Date.now());
    await new Promise((r) => setTimeout(r, HOLD_MS));
    return false;
  });
  return { url, writes };
}

afterEach(closeProxies);

describe('drainer batching', () => {
  it('sends what was committed during a write in the next one, not a request per commit', async () => {
    const target = await sharedInfluxUrl();
    const proxy = await slowProxy(target);
    const db = uniqueDatabase('batching');
    const writer = await DurableWriter.open(durableOptions(proxy.url, db, { influx: { maxInFlight: 4 } }));
    // 60 commits of one line, one every ~2 ms: about 120 ms of traffic against 80 ms per write.
    for (let i = 1; i <= 60; i++) {
      await appendAll(writer, [point(i)]);
      await new Promise((r) => setTimeout(r, 2));
    }
    expect(await writer.flush(10_000)).toBe(true);
    expect(await countPoints(target, db, 'm')).toBe(60);
    // The first write leaves at once; the next waits for the first or for the linger (10 ms) to pass.
    expect(proxy.writes.length).toBeLessThanOrEqual(20);
    expect((proxy.writes[1] as number) - (proxy.writes[0] as number)).toBeGreaterThanOrEqual(9);
    await writer.close();
  });
});
