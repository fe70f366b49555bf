/**
 * Failures a real influxd rarely produces on demand (503, 429, a request that never answers) come from a
 * small fault-injecting proxy in front of the real server; everything else is passed through to it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { countPoints, sharedInfluxUrl, uniqueDatabase } from '../helpers/influxd.ts';
import { appendRange, DurableWriter, durableOptions, hookLog } from './durable-helpers.ts';
import { closeProxies, influxProxy } from './influx-proxy.ts';

type Fault = 503 | 429 | 'hang';

/** Answers the first /write requests with `faults`, in order, then forwards everything to `target`. */
function faultProxy(target: string, faults: Fault[]) {
  return influxProxy(target, (_req, res) => {
    if (faults.length === 0) return false;
    const fault = faults.shift();
    if (fault === 'hang') return true; // never answers: the writer's timeout must fire
    res.writeHead(fault ?? 503, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ error: `injected ${fault}` }));
    return true;
  });
}

afterEach(closeProxies);

describe('retries', () => {
  it('retries 503, 429 and a timed-out request, and every line arrives once', async () => {
    const target = await sharedInfluxUrl();
    const proxy = await faultProxy(target, [503, 429, 'hang']);
    const db = uniqueDatabase('faults');
    const hooks = hookLog();
    const writer = await DurableWriter.open(
      durableOptions(proxy.url, db, { hooks, influx: { timeoutMs: 300, retryMinMs: 10, retryMaxMs: 50 } }),
    );
    await appendRange(writer, 0, 2000);
    expect(await writer.flush(10_000)).toBe(true);
    expect(hooks.errors).toEqual(['status_5xx', 'status_429', 'timeout']);
    expect(await countPoints(target, db, 'm')).toBe(2000);
    expect(writer.stats()).toMatchObject({ linesSent: 2000, spoolLines: 0, influxUp: true });
    expect(hooks.upChanges).toEqual([false, true]);
    await writer.close();
  });
});
