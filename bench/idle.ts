/**
 * Idle connected devices: N authenticated MQTT connections (the `load` simulator's raw connections),
 * spread over 127.0.0.x source addresses (one address has only 28,232 ephemeral ports here), opened
 * a few hundred at a time. Reported: the time until the last CONNACK, and the broker's RSS (and heap,
 * after a GC) per connection, measured as the growth from before the first connection to after the last.
 */
import { LoadConnection } from '../simulators/load/connection.ts';
import { LatencyRecorder } from '../simulators/load/latency.ts';
import { readMem } from './proc-stats.ts';
import { round } from './stats.ts';
import type { Target } from './target.ts';

export interface IdleSpec {
  /** Devices asked for. */
  devices: number;
  /** Devices actually connected (less when the open-file limit does not allow `devices`). */
  run: number;
  /** Why `run` < `devices`. */
  limitedBy?: string;
  idPrefix: string;
  password?: string;
  /** Connections being opened at once. */
  concurrency: number;
}

export interface IdleResult {
  scenario: string;
  broker: Target['kind'];
  devices: number;
  connected: number;
  failed: number;
  limitedBy: string | null;
  connectAllS: number;
  connectsPerS: number;
  /** The bench process's CPU while connecting (the client side of every connection), % of one core. */
  loadgenCpuPct: number;
  rssBeforeMb: number;
  rssAfterMb: number;
  rssPerConnKb: number;
  heapPerConnKb: number | null;
  firstError: string | null;
}

const SETTLE_MS = 1500;

async function memory(target: Target): Promise<{ rssKb: number; heapMb: number | null }> {
  const inside = await target.sample?.({ gc: true, reset: true });
  await new Promise((r) => setTimeout(r, 200));
  return { rssKb: readMem(target.pid).rssKb, heapMb: inside?.heapUsedMb ?? null };
}

export async function runIdle(target: Target, spec: IdleSpec): Promise<IdleResult> {
  const latency = new LatencyRecorder(16);
  const empty = Buffer.alloc(0);
  const conns = Array.from(
    { length: spec.run },
    (_, i) =>
      new LoadConnection({
        host: '127.0.0.1',
        port: target.port,
        localAddress: `127.0.0.${(i % 254) + 1}`,
        clientId: `${spec.idPrefix}${i}`,
        username: `${spec.idPrefix}${i}`,
        ...(spec.password ? { password: spec.password } : {}),
        topic: 'bench/idle',
        qos: 0,
        window: 1,
        payload: () => empty,
        latency,
        connectTimeoutMs: 60_000,
        keepaliveS: 900, // no PINGREQ during the measurement
      }),
  );
  const before = await memory(target);
  let failed = 0;
  let firstError: string | null = null;
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  let next = 0;
  const worker = async () => {
    while (next < conns.length) {
      const c = conns[next++]!;
      try {
        await c.connect();
      } catch (err) {
        failed++;
        firstError ??= (err as Error).message;
      }
    }
  };
  await Promise.all(Array.from({ length: spec.concurrency }, worker));
  const connectMs = performance.now() - started;
  const cpu = process.cpuUsage(cpu0);
  await new Promise((r) => setTimeout(r, SETTLE_MS));
  const after = await memory(target);
  const connected = conns.filter((c) => c.open).length;
  // Close in slices: 10,000 DISCONNECTs at once would only measure the kernel.
  for (let i = 0; i < conns.length; i += 1000)
    await Promise.all(conns.slice(i, i + 1000).map((c) => c.close(0)));
  const per = (deltaKb: number) => (connected > 0 ? round(deltaKb / connected, 1) : 0);
  return {
    scenario: `idle-${spec.devices}`,
    broker: target.kind,
    devices: spec.devices,
    connected,
    failed,
    limitedBy: spec.limitedBy ?? null,
    connectAllS: round(connectMs / 1000, 2),
    connectsPerS: Math.round((connected * 1000) / connectMs),
    loadgenCpuPct: round((cpu.user + cpu.system) / 10 / connectMs, 1),
    rssBeforeMb: round(before.rssKb / 1024, 1),
    rssAfterMb: round(after.rssKb / 1024, 1),
    rssPerConnKb: per(after.rssKb - before.rssKb),
    heapPerConnKb:
      before.heapMb !== null && after.heapMb !== null ? per((after.heapMb - before.heapMb) * 1024) : null,
    firstError,
  };
}

/** Open files this process may have (the hard limit; Node raises the soft one to it at start). */
export function openFileLimit(limits: string): number {
  const line = limits.split('\n').find((l) => l.startsWith('Max open files'));
  const hard = line?.split(/\s{2,}/)[2];
  return hard === 'unlimited' ? Number.POSITIVE_INFINITY : Number(hard ?? 1024);
}
