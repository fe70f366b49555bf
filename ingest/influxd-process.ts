/**
 * A private influxd (InfluxDB 1.x, Debian's `influxdb` package) bound to loopback: the embedded default
 * of `hub start` without `influx.url`, and the real server of the integration tests. Restartable on the
 * same directory and port, which is how the outage tests take InfluxDB away and bring it back.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { delimiter, join, resolve } from 'node:path';
import type { Logger } from 'pino';
import { influxdStart, noInfluxd } from './errors.ts';

export interface InfluxdOptions {
  /** Data directory: meta/, data/, wal/ and influxd.conf live here. */
  dir: string;
  /** HTTP port on 127.0.0.1; default: a free one. Pass the previous port to restart in place. */
  port?: number;
  log?: Logger;
  /** Path of the binary; default: `influxd` on PATH. */
  binary?: string;
  startTimeoutMs?: number;
}

export interface InfluxdHandle {
  url: string;
  port: number;
  pid: number;
  /** SIGTERM, then SIGKILL after a grace period; resolves once the process has exited. Idempotent. */
  stop(): Promise<void>;
}

const STOP_GRACE_MS = 5000;
const running = new Set<ChildProcess>();
let exitHookInstalled = false;

/** A port the kernel just handed out on 127.0.0.1 (listen on 0, close). */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const server = createServer();
    server.unref();
    server.once('error', rej);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => res(port));
    });
  });
}

/** The `influxd` binary on PATH, or undefined. */
export function findInfluxd(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, 'influxd');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {}
  }
  return undefined;
}

function configText(dir: string, httpPort: number, rpcPort: number): string {
  const q = (p: string) => JSON.stringify(p);
  return `reporting-disabled = true
bind-address = "127.0.0.1:${rpcPort}"
[meta]
  dir = ${q(join(dir, 'meta'))}
  logging-enabled = false
[data]
  dir = ${q(join(dir, 'data'))}
  wal-dir = ${q(join(dir, 'wal'))}
  query-log-enabled = false
  trace-logging-enabled = false
[coordinator]
  log-queries-after = "0s"
[monitor]
  store-enabled = false
[http]
  enabled = true
  bind-address = "127.0.0.1:${httpPort}"
  log-enabled = false
  write-tracing = false
[logging]
  level = "warn"
  suppress-logo = true
[continuous_queries]
  enabled = false
[subscriber]
  enabled = false
`;
}

/** GET /ping → 204 within `timeoutMs`. */
export function ping(url: string, timeoutMs = 1000): Promise<boolean> {
  return new Promise((res) => {
    const req = request(`${url}/ping`, { method: 'GET', timeout: timeoutMs }, (response) => {
      response.resume();
      res(response.statusCode === 204);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => res(false));
    req.end();
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // A crashed test run or hub must not leave influxd behind.
  process.once('exit', () => {
    for (const child of running) child.kill('SIGKILL');
  });
}

async function spawnOnce(opts: InfluxdOptions, binary: string, port: number): Promise<InfluxdHandle> {
  const dir = resolve(opts.dir);
  mkdirSync(dir, { recursive: true });
  const url = `http://127.0.0.1:${port}`;
  // Another server answering on the port would pass for ours below (a restarted influxd whose port
  // someone else took meanwhile): refuse instead of writing into a stranger's database.
  if (await ping(url, 300)) throw influxdStart(`port ${port} is already taken by another InfluxDB`);
  const rpcPort = await freePort();
  const configFile = join(dir, 'influxd.conf');
  writeFileSync(configFile, configText(dir, port, rpcPort));
  const child = spawn(binary, ['-config', configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  installExitHook();
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
    opts.log?.debug({ influxd: chunk.toString().trim() }, 'influxd output');
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited = false;
  const exitPromise = new Promise<void>((res) => {
    child.once('exit', () => {
      exited = true;
      running.delete(child);
      res();
    });
  });
  child.once('error', (err) => {
    output += String(err);
  });

  const deadline = Date.now() + (opts.startTimeoutMs ?? 30_000);
  while (!(await ping(url, 500))) {
    if (exited || Date.now() > deadline) {
      child.kill('SIGKILL');
      await exitPromise;
      throw influxdStart(`influxd did not answer /ping on ${url}: ${output.trim() || 'no output'}`);
    }
    await sleep(25);
  }
  await sleep(50);
  if (exited) throw influxdStart(`influxd exited after starting on ${url}: ${output.trim() || 'no output'}`);

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      if (exited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await exitPromise;
      clearTimeout(timer);
    })();
    return stopping;
  };
  opts.log?.info({ url, dir, pid: child.pid }, 'influxd started');
  return { url, port, pid: child.pid ?? 0, stop };
}

/** Starts influxd with a config written into `opts.dir` and waits until it answers `/ping`. */
export async function startInfluxd(opts: InfluxdOptions): Promise<InfluxdHandle> {
  const binary = opts.binary ?? findInfluxd();
  if (!binary) throw noInfluxd();
  if (opts.port !== undefined) return spawnOnce(opts, binary, opts.port);
  // A port found free may be taken before influxd binds it: try a few.
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await spawnOnce(opts, binary, await freePort());
    } catch (err) {
      lastError = err;
    }
  }
  throw lastError;
}
