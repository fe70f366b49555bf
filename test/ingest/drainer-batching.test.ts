/**
 * The drainer at moderate rates: while a write is in flight, the lines committed meanwhile go out
 * together in the next request instead of one small request per group commit. A proxy in front of the
 * real influxd holds every /write for a while and records when each one arrived.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { countPoints, sharedInfluxUrl, uniqueDatabase } from '../helpers/influxd.ts';
import { appendAll, DurableWriter, durableOptions, point } from './durable-helpers.ts';

const HOLD_MS = 80;

async function slowProxy(target: string): Promise<{ url: string; server: Server; writes: number[] }> {
  const writes: number[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (req.url?.startsWith('/write')) {
      writes.push(Date.now());
      await new Promise((r) => setTimeout(r, HOLD_MS));
    }
    const upstream = await fetch(`${target}${req.url}`, {
      method: req.method ?? 'GET',
      headers: { 'Content-Type': req.headers['content-type'] ?? 'text/plain' },
      ...(req.method === 'POST' ? { body: Buffer.concat(chunks) } : {}),
    });
    res.writeHead(upstream.status, { 'Content-Type': upstream.headers.get('content-type') ?? 'text/plain' });
    res.end(Buffer.from(await upstream.arrayBuffer()));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, writes };
}

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r) ?? r(undefined));
});

describe('drainer batching', () => {
  it('sends what was committed during a write in the next one, not a request per commit', async () => {
    const target = await sharedInfluxUrl();
    const proxy = await slowProxy(target);
    server = proxy.server;
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
