/**
 * A small HTTP proxy in front of the real influxd, for what a real server rarely does on demand (fail,
 * hang, answer slowly). `onWrite` sees every `/write` first: it answers itself (returns true) or lets the
 * request through to the real server. Closed after each test with `closeProxies`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

type OnWrite = (req: IncomingMessage, res: ServerResponse) => Promise<boolean> | boolean;

const open: Server[] = [];

export async function influxProxy(target: string, onWrite: OnWrite): Promise<{ url: string }> {
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (req.url?.startsWith('/write') && (await onWrite(req, res))) return;
    const upstream = await fetch(`${target}${req.url}`, {
      method: req.method ?? 'GET',
      headers: { 'Content-Type': req.headers['content-type'] ?? 'text/plain' },
      ...(req.method === 'POST' ? { body: Buffer.concat(chunks) } : {}),
    });
    res.writeHead(upstream.status, { 'Content-Type': upstream.headers.get('content-type') ?? 'text/plain' });
    res.end(Buffer.from(await upstream.arrayBuffer()));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  open.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

export async function closeProxies(): Promise<void> {
  for (const server of open.splice(0)) {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
}
