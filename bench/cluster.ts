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
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { startRedisServer } from '../cluster/redis-process.ts';
import { type BenchHub, loadDevices, startHub } from './cluster-hubs.ts';
import { type LatencyFigures, latency, type ThroughputFigures, throughput } from './cluster-measure.ts';
import { type BenchInflux, dropDatabase, openInflux } from './influx.ts';

export type { LatencyFigures, ThroughputFigures } from './cluster-measure.ts';

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

export interface ClusterBenchResult {
  scenario: 'cluster';
  single: ThroughputFigures;
  /** One hub in cluster mode: the same load, its messages routed through Redis (the routing cost alone). */
  singleOnRedis: ThroughputFigures;
  cluster: ThroughputFigures;
  latency: LatencyFigures[];
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
