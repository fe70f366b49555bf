/**
 * The cluster scenario of `hub bench` (issue 9): two hubs sharing one Redis against one hub alone, on
 * the same machine and InfluxDB.
 *
 * - Throughput: N load connections (NMEA RMC+GGA, QoS 1, as fast as the hubs take it) on one hub, then
 *   split over two cluster hubs. Counted from what reached InfluxDB once the spools drained.
 * - The cost of routing through Redis: end-to-end latency of a plain MQTT message (not ingested) from a
 *   publisher to a subscriber, on one hub (aedes's in-process emitter) and in the cluster (every message
 *   goes through Redis PUBLISH, even to a subscriber on the same hub).
 *
 * Runnable alone: `node --import tsx bench/cluster.ts [--connections 20] [--duration 10s] [--json]`.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import mqtt from 'mqtt';
import { stringify } from 'yaml';
import { startRedisServer } from '../cluster/redis-process.ts';
import type { Device } from '../ingest/registry.ts';
import { fleetRegistry, planFleet } from '../simulators/fleet/vessels.ts';
import { startLoad } from '../simulators/load/run.ts';
import { type Child, spawnChild } from './children.ts';
import { type BenchInflux, countStored, dropDatabase, openInflux } from './influx.ts';
import { type CpuTicks, clockTicks, readCpu } from './proc-stats.ts';
import { ratePerSecond, round, summarize } from './stats.ts';

const BIN = fileURLToPath(new URL('../bin/hub.js', import.meta.url));
/** Every load vessel logs in with it (the registry holds its hash). */
const PASSWORD = 'bench-cluster-secret';

export interface ClusterBenchOptions {
  workDir: string;
  influx: BenchInflux;
  /** Load connections in total (split evenly over the cluster's hubs); default 20. */
  connections?: number;
  /** Publishing time of each throughput run, ms; default 10 000. */
  durationMs?: number;
  /** Messages of each latency run (sent at `latencyRatePerS`); default 1000 at 200/s. */
  latencyMessages?: number;
  latencyRatePerS?: number;
  log?: (line: string) => void;
}

export interface ThroughputFigures {
  hubs: number;
  connections: number;
  sent: number;
  acked: number;
  /** PUBACKs per second over the publishing time. */
  ackRate: number;
  /** Messages (RMC + GGA) in InfluxDB once every spool drained. */
  stored: number;
  /** Stored per second, from the first publish to the drained spools. */
  storedRate: number;
  /** From the end of publishing to the last spool drained, s. */
  drainS: number;
  pubackMs: { p50: number; p99: number };
  /** CPU time per 1000 messages stored: the hubs together, and Redis (less sensitive to a busy machine). */
  hubCpuMsPer1k: number;
  redisCpuMsPer1k: number | null;
}

export interface LatencyFigures {
  path: string;
  received: number;
  p50: number;
  p99: number;
  max: number;
}

export interface ClusterBenchResult {
  scenario: 'cluster';
  single: ThroughputFigures;
  /** One hub in cluster mode: the same load, its messages routed through Redis (the routing cost alone). */
  singleOnRedis: ThroughputFigures;
  cluster: ThroughputFigures;
  latency: LatencyFigures[];
}

interface BenchHub {
  name: string;
  mqttPort: number;
  httpPort: number;
  child: Child;
}

/** A hub process of its own: production defaults except loopback ports and no publish-rate cap. */
async function startHub(opts: {
  name: string;
  workDir: string;
  influx: BenchInflux;
  database: string;
  devices: Device[];
  redisUrl?: string;
}): Promise<BenchHub> {
  const dir = join(opts.workDir, opts.name);
  mkdirSync(dir, { recursive: true });
  const config = {
    broker: {
      host: '127.0.0.1',
      port: 0,
      wsPort: -1,
      instance: opts.name,
      // The latency clients are anonymous; the load's vessels log in.
      allowAnonymous: true,
      maxPublishPerSecond: 0,
      ...(opts.redisUrl ? { cluster: { redis: opts.redisUrl } } : {}),
    },
    http: { host: '127.0.0.1', port: 0 },
    influx: {
      url: opts.influx.url,
      database: opts.database,
      ...(opts.influx.token ? { token: opts.influx.token } : {}),
    },
    devices: { entries: opts.devices },
    spool: { dir: './spool' },
    ingest: { archive: { dir: './archive' } },
    alerts: { stateDir: './alerts' },
    log: { level: 'info', pretty: false, auditFile: './audit.log' },
  };
  const file = join(dir, 'hub.yaml');
  writeFileSync(file, stringify(config));
  // HUB_* variables would silently change the bench's config.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('HUB_')));
  const child = spawnChild(opts.name, process.execPath, [BIN, 'start', '--config', file], { cwd: dir, env });
  const ports: Record<string, number> = {};
  await child.waitForJson((o) => {
    if (o.msg === 'listening' && typeof o.service === 'string' && typeof o.port === 'number')
      ports[o.service] = o.port;
    return ports.mqtt !== undefined && ports.http !== undefined;
  }, 60_000);
  return { name: opts.name, mqttPort: ports.mqtt as number, httpPort: ports.http as number, child };
}

async function spoolLines(hub: BenchHub): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${hub.httpPort}/health`);
  const health = (await res.json()) as { components?: { spool?: { lines?: number } } };
  return health.components?.spool?.lines ?? Number.NaN;
}

async function drained(hubs: BenchHub[], timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const lines = await Promise.all(hubs.map(spoolLines));
    if (lines.every((n) => n === 0)) return;
    if (Date.now() > deadline)
      throw new Error(`spools not drained after ${timeoutMs} ms: ${lines.join(', ')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Load seeds whose fleets share no vessel id, so no two connections write the same series. */
function disjointSeeds(count: number, vesselsEach: number): number[] {
  const seeds: number[] = [];
  const used = new Set<string>();
  for (let seed = 1; seeds.length < count; seed++) {
    const ids = planFleet({ vessels: vesselsEach, seed }).map((v) => v.id);
    if (ids.some((id) => used.has(id))) continue;
    for (const id of ids) used.add(id);
    seeds.push(seed);
  }
  return seeds;
}

/** CPU ms used by `pids` since `before` was read. */
function cpuMsSince(pids: number[], before: CpuTicks[]): number {
  let ticks = 0;
  pids.forEach((pid, i) => {
    const now = readCpu(pid);
    const then = before[i] as CpuTicks;
    ticks += now.utime + now.stime - then.utime - then.stime;
  });
  return (ticks * 1000) / clockTicks();
}

async function throughput(
  hubs: BenchHub[],
  opts: { influx: BenchInflux; database: string; connections: number; durationMs: number; redisPid?: number },
): Promise<ThroughputFigures> {
  const hubPids = hubs.map((h) => h.child.pid);
  const hubCpu = hubPids.map(readCpu);
  const redisCpu = opts.redisPid ? [readCpu(opts.redisPid)] : [];
  const each = Math.max(1, Math.floor(opts.connections / hubs.length));
  const seeds = disjointSeeds(hubs.length, each);
  const started = Date.now();
  const loads = await Promise.all(
    hubs.map((hub, i) =>
      startLoad({
        url: `mqtt://127.0.0.1:${hub.mqttPort}`,
        connections: each,
        qos: 1,
        durationMs: opts.durationMs,
        seed: seeds[i] as number,
        password: PASSWORD,
      }),
    ),
  );
  const reports = await Promise.all(loads.map((l) => l.done));
  const publishedAt = Date.now();
  await drained(hubs);
  const drainedAt = Date.now();
  const hubCpuMs = cpuMsSince(hubPids, hubCpu);
  const redisCpuMs = opts.redisPid ? cpuMsSince([opts.redisPid], redisCpu) : null;
  const stored = await countStored(opts.influx, opts.database);
  const per1k = (ms: number) => round((ms * 1000) / Math.max(stored.messages, 1), 1);
  const sent = reports.reduce((n, r) => n + r.sent, 0);
  const acked = reports.reduce((n, r) => n + r.acked, 0);
  const worst = reports.reduce((a, b) => (b.latencyMs.p99 > a.latencyMs.p99 ? b : a));
  return {
    hubs: hubs.length,
    connections: each * hubs.length,
    sent,
    acked,
    ackRate: round(
      reports.reduce((n, r) => n + r.ackRatePerS, 0),
      0,
    ),
    stored: stored.messages,
    storedRate: round(ratePerSecond(stored.messages, drainedAt - started), 0),
    drainS: round((drainedAt - publishedAt) / 1000, 1),
    pubackMs: { p50: round(worst.latencyMs.p50, 2), p99: round(worst.latencyMs.p99, 2) },
    hubCpuMsPer1k: per1k(hubCpuMs),
    redisCpuMsPer1k: redisCpuMs === null ? null : per1k(redisCpuMs),
  };
}

/** A plain topic (relayed, not ingested): publisher on `from`, subscriber on `to`, same clock. */
async function latency(
  path: string,
  from: BenchHub,
  to: BenchHub,
  messages: number,
  ratePerS: number,
): Promise<LatencyFigures> {
  const topic = `bench/latency/${path.replace(/\W+/g, '-')}`;
  const sub = await mqtt.connectAsync(`mqtt://127.0.0.1:${to.mqttPort}`, { clientId: `lat-sub-${to.name}` });
  const samples: number[] = [];
  sub.on('message', (_t, payload) => samples.push(performance.now() - Number(payload.toString())));
  await sub.subscribeAsync(topic, { qos: 0 });
  const pub = await mqtt.connectAsync(`mqtt://127.0.0.1:${from.mqttPort}`, {
    clientId: `lat-pub-${from.name}`,
  });
  await new Promise((r) => setTimeout(r, 200)); // the subscription reaches every hub
  const gapMs = 1000 / ratePerS;
  const t0 = performance.now();
  for (let i = 0; i < messages; i++) {
    const due = t0 + i * gapMs;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    pub.publish(topic, String(performance.now()), { qos: 0 });
  }
  await new Promise((r) => setTimeout(r, 500));
  await Promise.all([sub.endAsync(), pub.endAsync()]);
  const s = summarize(samples, 2);
  return { path, received: s.count, p50: s.p50, p99: s.p99, max: s.max };
}

/** The registry entries of the loads on `hubs` hubs (vessels only, each once). */
function loadDevices(connections: number, hubs: number): Device[] {
  const each = Math.max(1, Math.floor(connections / hubs));
  return disjointSeeds(hubs, each).flatMap((seed) => {
    const ids = planFleet({ vessels: each, seed }).map((v) => v.id);
    const secrets = Object.fromEntries(ids.map((id) => [id, PASSWORD]));
    return fleetRegistry({ vessels: each, seed, secrets }).filter((d) => d.kind === 'vessel');
  });
}

export async function runClusterScenario(opts: ClusterBenchOptions): Promise<ClusterBenchResult> {
  const log = opts.log ?? (() => {});
  const connections = opts.connections ?? 20;
  const durationMs = opts.durationMs ?? 10_000;
  const messages = opts.latencyMessages ?? 1000;
  const ratePerS = opts.latencyRatePerS ?? 200;
  const redisDir = join(opts.workDir, 'redis');
  mkdirSync(redisDir, { recursive: true });
  const redis = await startRedisServer({ dir: redisDir });
  const hubs: BenchHub[] = [];
  const databases = ['single', 'redis', 'cluster'].map((d) => `bench_${d}_${process.pid}`);
  const [singleDb, redisDb, clusterDb] = databases as [string, string, string];
  try {
    log(`cluster bench: one hub alone, ${connections} QoS 1 connections for ${durationMs} ms`);
    const alone = await startHub({
      name: 'alone',
      workDir: opts.workDir,
      influx: opts.influx,
      database: singleDb,
      devices: loadDevices(connections, 1),
    });
    hubs.push(alone);
    const single = await throughput([alone], { ...opts, database: singleDb, connections, durationMs });
    const latencies = [await latency('one hub, in-process emitter', alone, alone, messages, ratePerS)];
    await alone.child.stop(15_000);
    hubs.length = 0;

    log(`cluster bench: one hub in cluster mode on ${redis.url}, ${connections} connections`);
    const onRedis = await startHub({
      name: 'alone-on-redis',
      workDir: opts.workDir,
      influx: opts.influx,
      database: redisDb,
      devices: loadDevices(connections, 1),
      redisUrl: redis.url,
    });
    hubs.push(onRedis);
    const singleOnRedis = await throughput([onRedis], {
      ...opts,
      database: redisDb,
      connections,
      durationMs,
      redisPid: redis.pid,
    });
    await onRedis.child.stop(15_000);
    hubs.length = 0;

    log(`cluster bench: two hubs on ${redis.url}, ${connections / 2} connections each`);
    const pair = await Promise.all(
      ['hub-1', 'hub-2'].map((name) =>
        startHub({
          name,
          workDir: opts.workDir,
          influx: opts.influx,
          database: clusterDb,
          devices: loadDevices(connections, 2),
          redisUrl: redis.url,
        }),
      ),
    );
    hubs.push(...pair);
    const [h1, h2] = pair as [BenchHub, BenchHub];
    const cluster = await throughput(pair, {
      ...opts,
      database: clusterDb,
      connections,
      durationMs,
      redisPid: redis.pid,
    });
    latencies.push(await latency('cluster, same hub (through Redis)', h1, h1, messages, ratePerS));
    latencies.push(await latency('cluster, hub to hub (through Redis)', h1, h2, messages, ratePerS));
    return { scenario: 'cluster', single, singleOnRedis, cluster, latency: latencies };
  } finally {
    await Promise.all(hubs.map((h) => h.child.stop(15_000)));
    await redis.stop();
    for (const db of databases) await dropDatabase(opts.influx, db);
  }
}

/** The figures as the README's tables. */
export function formatClusterResult(r: ClusterBenchResult): string {
  const row = (name: string, t: ThroughputFigures) =>
    `| ${name} | ${t.connections} | ${t.sent} / ${t.stored} | ${t.ackRate} | ${t.pubackMs.p50} / ${t.pubackMs.p99} | ${t.hubCpuMsPer1k} | ${t.redisCpuMsPer1k ?? '–'} |`;
  return [
    '| setup | connections | sent / stored | PUBACK/s | PUBACK ms p50 / p99 | hub CPU ms / 1000 msg | Redis CPU ms / 1000 msg |',
    '|---|---|---|---|---|---|---|',
    row('one hub', r.single),
    row('one hub in cluster mode (Redis)', r.singleOnRedis),
    row('two hubs, one Redis', r.cluster),
    '',
    '| path of a plain message | received | p50 ms | p99 ms | max ms |',
    '|---|---|---|---|---|',
    ...r.latency.map((l) => `| ${l.path} | ${l.received} | ${l.p50} | ${l.p99} | ${l.max} |`),
  ].join('\n');
}

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      connections: { type: 'string' },
      duration: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  const workDir = mkdtempSync(join(tmpdir(), 'hub-bench-cluster-'));
  const influx = await openInflux(workDir);
  try {
    const seconds = values.duration ? Number.parseFloat(values.duration) : 10;
    const result = await runClusterScenario({
      workDir,
      influx,
      ...(values.connections ? { connections: Number(values.connections) } : {}),
      durationMs: seconds * 1000,
      log: (line) => console.error(line),
    });
    console.log(values.json ? JSON.stringify(result, null, 2) : formatClusterResult(result));
  } finally {
    await influx.stop();
    rmSync(workDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href)
  await main(process.argv.slice(2));
