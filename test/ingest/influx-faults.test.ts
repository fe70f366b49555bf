/**
 * Failures a real influxd rarely produces on demand (503, 429, a request that never answers) come from a
 * small fault-injecting proxy in front of the real server; everything else is passed through to it.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { countPoints, sharedInfluxUrl, uniqueDatabase } from '../helpers/influxd.ts';
import { appendRange, DurableWriter, durableOptions, hookLog } from './durable-helpers.ts';

type Fault = 503 | 429 | 'hang';

async function body(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** Answers the first /write requests with `faults`, in order, then forwards everything to `target`. */
async function faultProxy(target: string, faults: Fault[]): Promise<{ url: string; server: Server }> {
  const server = createServer(async (req, res) => {
    const payload = await body(req);
    if (req.url?.startsWith('/write') && faults.length > 0) {
      const fault = faults.shift();
      if (fault === 'hang') return; // never answers: the writer's timeout must fire
      res.writeHead(fault ?? 503, { 'Content-Type': 'application/json' });
      return res.end(JSON.stringify({ error: `injected ${fault}` }));
    }
    const upstream = await fetch(`${target}${req.url}`, {
      method: req.method ?? 'GET',
      headers: { 'Content-Type': req.headers['content-type'] ?? 'text/plain' },
      ...(req.method === 'POST' ? { body: payload } : {}),
    });
    res.writeHead(upstream.status, { 'Content-Type': upstream.headers.get('content-type') ?? 'text/plain' });
    res.end(Buffer.from(await upstream.arrayBuffer()));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r) ?? r(undefined));
});

describe('retries', () => {
  it('retries 503, 429 and a timed-out request, and every line arrives once', async () => {
    const target = await sharedInfluxUrl();
    const proxy = await faultProxy(target, [503, 429, 'hang']);
    server = proxy.server;
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
