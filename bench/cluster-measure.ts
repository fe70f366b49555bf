/**
 * The cluster bench's two measures: throughput of a QoS 1 load counted in InfluxDB once the spools
 * drained (with the hubs' and Redis's CPU per message), and the end-to-end latency of a plain message.
 */
import { performance } from 'node:perf_hooks';
import mqtt from 'mqtt';
import { startLoad } from '../simulators/load/run.ts';
import { type BenchHub, disjointSeeds, drained, PASSWORD } from './cluster-hubs.ts';
import { type BenchInflux, countStored } from './influx.ts';
import { type CpuTicks, clockTicks, readCpu } from './proc-stats.ts';
import { ratePerSecond, round, summarize } from './stats.ts';

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

export async function throughput(
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
export async function latency(
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
