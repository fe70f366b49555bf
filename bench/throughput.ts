/**
 * The publishing scenarios, one function for every broker: N devices publish NMEA RMC+GGA (the `load`
 * simulator, raw sockets, pre-encoded topics) at QoS 0 or 1, as fast as the broker takes it, or at a set
 * rate with the devices evenly staggered (paced-load.ts). The hub's figures count what reached InfluxDB
 * (by query) once its spool has drained; a reference's figures count what its one subscriber received.
 */
import { fileURLToPath } from 'node:url';
import { type LoadReport, startLoad } from '../simulators/load/run.ts';
import { spawnChild, tsNodeArgs } from './children.ts';
import { type BenchInflux, countStored } from './influx.ts';
import { runPaced } from './paced-load.ts';
import { ProcWindow } from './proc-stats.ts';
import { ratePerSecond, round } from './stats.ts';
import type { InsideSample, Target } from './target.ts';

export interface ThroughputSpec {
  scenario: string;
  qos: 0 | 1;
  connections: number;
  /** Publishing time; with `count`, an upper bound. */
  durationMs: number;
  /** Stop after this many publishes (the firehose: a fixed amount, as fast as TCP takes it). */
  count?: number;
  /** Total msg/s; undefined = as fast as the broker takes it. */
  rate?: number;
  /** QoS 1 publishes in flight per connection. */
  window: number;
  password?: string;
  seed: number;
}

export interface ThroughputResult {
  scenario: string;
  broker: Target['kind'];
  qos: 0 | 1;
  connections: number;
  targetRate: number | null;
  publishS: number;
  sent: number;
  acked: number | null;
  /** Hub: messages found in InfluxDB (RMC and GGA rows). References: messages the subscriber received. */
  delivered: number;
  deliveredBy: 'influxdb' | 'subscriber';
  /** QoS 1: acknowledged but not delivered. QoS 0: sent but not delivered. */
  lost: number;
  deadLetters: number | null;
  sendRate: number;
  ackRate: number | null;
  /** Delivered per second, from the first publish to the last delivery (hub: spool drained). */
  deliveredRate: number;
  drainS: number;
  pubackMs: { p50: number; p99: number; max: number } | null;
  writtenMs: { p50: number; p99: number; max: number; aheadOfClock: number } | null;
  cpuPct: number;
  rssMb: number;
  peakRssMb: number;
  heapUsedMb: number | null;
  eldMs: InsideSample['eldMs'] | null;
  loadgenCpuPct: number;
  /** How far carried times ran ahead of the clock (> 1000 publishes/s on a connection). */
  maxAheadMs: number;
  errors: number;
}

/** The longest the hub may take to drain what it was sent once the publishers stopped. */
const DRAIN_LIMIT_MS = 180_000;
/** The longest a reference's subscriber may trail the publishers once they stopped. */
const SETTLE_MS = 10_000;
const SUBSCRIBER = fileURLToPath(new URL('./subscriber-child.ts', import.meta.url));

export async function runThroughput(
  target: Target,
  spec: ThroughputSpec,
  influx: BenchInflux,
): Promise<ThroughputResult> {
  // A reference relays to one subscriber, in a process of its own.
  const sub =
    target.kind === 'hub'
      ? undefined
      : spawnChild(
          'subscriber',
          process.execPath,
          [...tsNodeArgs(false), SUBSCRIBER, '127.0.0.1', String(target.port), 'vessels/+/nmea'],
          { ipc: true },
        );
  try {
    await sub?.waitMessage('ready', 20_000);
    await target.sample?.({ reset: true });
    // The measured window opens once every device is connected.
    let started = 0;
    let proc: ProcWindow | undefined;
    let cpu0 = process.cpuUsage();
    const open = () => {
      started = performance.now();
      proc = new ProcWindow(target.pid);
      cpu0 = process.cpuUsage();
    };
    let report: LoadReport;
    if (spec.rate) {
      report = await runPaced({
        port: target.port,
        connections: spec.connections,
        qos: spec.qos,
        rate: spec.rate,
        durationMs: spec.durationMs,
        window: spec.window,
        seed: spec.seed,
        onStart: open,
        ...(spec.password ? { password: spec.password } : {}),
      });
    } else {
      const load = await startLoad({
        url: `mqtt://127.0.0.1:${target.port}`,
        connections: spec.connections,
        qos: spec.qos,
        durationMs: spec.durationMs,
        window: spec.window,
        seed: spec.seed,
        spreadSources: true,
        drainTimeoutMs: 30_000,
        ...(spec.count ? { count: spec.count } : {}),
        ...(spec.password ? { password: spec.password } : {}),
      });
      open();
      report = await load.done;
    }
    const publishMs = performance.now() - started;

    // Wait for the last deliveries: the hub's spool to drain, or the subscriber's count to settle.
    let delivered = 0;
    let lastDeliveryMs = publishMs;
    let deadLetters: number | null = null;
    if (target.hub) {
      // Everything sent has reached the hub (QoS 0 may still sit in socket buffers when the publishers
      // stop), or nothing more arrives for 2 s; then the spool has drained (twice in a row: a group
      // commit may be in flight between two looks).
      const hub = target.hub;
      const expected = spec.qos === 1 ? report.acked : report.sent;
      const deadline = performance.now() + DRAIN_LIMIT_MS;
      let lastIn = -1;
      let stableSince = performance.now();
      let emptyLooks = 0;
      while (performance.now() < deadline && emptyLooks < 2) {
        const taken = await hub.messagesIn();
        if (taken !== lastIn) {
          lastIn = taken;
          stableSince = performance.now();
        }
        const allIn = taken >= expected || performance.now() - stableSince > 2000;
        emptyLooks = allIn && (await hub.spoolLines()) === 0 ? emptyLooks + 1 : 0;
        if (emptyLooks === 1) lastDeliveryMs = performance.now() - started;
        await sleep(100);
      }
      if (emptyLooks < 2) lastDeliveryMs = performance.now() - started;
    } else {
      const expected = spec.qos === 1 ? report.acked : report.sent;
      let last = -1;
      let stableSince = performance.now();
      for (;;) {
        const n = (await sub!.ask<{ received: number }>({ bench: 'count' }, 'count')).received;
        if (n !== last) {
          last = n;
          stableSince = performance.now();
          lastDeliveryMs = stableSince - started;
        }
        // QoS 0 beyond a broker's capacity waits in socket buffers: what has not arrived after the settle
        // time counts as lost.
        if (n >= expected || performance.now() - stableSince > 1000) break;
        if (performance.now() - started - publishMs > SETTLE_MS) break;
        await sleep(50);
      }
      delivered = last;
    }
    const cpuUsed = process.cpuUsage(cpu0);
    const window = (proc as ProcWindow).finish();
    const inside = await target.sample?.({ reset: true });
    if (target.hub) {
      const stored = await countStored(influx, target.hub.database);
      delivered = stored.messages;
      deadLetters = stored.deadLetters;
    }
    const basis = spec.qos === 1 ? report.acked : report.sent;
    return {
      scenario: spec.scenario,
      broker: target.kind,
      qos: spec.qos,
      connections: spec.connections,
      targetRate: spec.rate ?? null,
      publishS: round(publishMs / 1000, 1),
      sent: report.sent,
      acked: spec.qos === 1 ? report.acked : null,
      delivered,
      deliveredBy: target.hub ? 'influxdb' : 'subscriber',
      lost: Math.max(0, basis - delivered),
      deadLetters,
      sendRate: ratePerSecond(report.sent, publishMs),
      ackRate: spec.qos === 1 ? ratePerSecond(report.acked, publishMs) : null,
      deliveredRate: ratePerSecond(delivered, lastDeliveryMs),
      drainS: round((lastDeliveryMs - publishMs) / 1000, 2),
      pubackMs:
        spec.qos === 1
          ? { p50: report.latencyMs.p50, p99: report.latencyMs.p99, max: report.latencyMs.max }
          : null,
      writtenMs:
        target.hub && inside
          ? {
              p50: inside.writtenMs.p50,
              p99: inside.writtenMs.p99,
              max: inside.writtenMs.max,
              aheadOfClock: inside.writtenMs.aheadOfClock,
            }
          : null,
      cpuPct: window.cpuPct,
      rssMb: window.rssMb,
      peakRssMb: window.peakRssMb,
      heapUsedMb: inside?.heapUsedMb ?? null,
      eldMs: inside?.eldMs ?? null,
      loadgenCpuPct: round(((cpuUsed.user + cpuUsed.system) / 1000 / window.wallMs) * 100, 1),
      maxAheadMs: report.maxAheadMs,
      errors: report.errors,
    };
  } finally {
    await sub?.stop(2000);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
