/**
 * What a scenario runs against: the hub, bare aedes or Mosquitto, each a process of its own on
 * 127.0.0.1. The references are started here; the hub in hub-proc.ts.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../ingest/influxd-process.ts';
import { type Child, spawnChild, tsNodeArgs } from './children.ts';
import type { HubProcess } from './hub-proc.ts';

export type BrokerKind = 'hub' | 'aedes' | 'mosquitto';

/** Measured inside a Node broker by eld-preload.ts. */
export interface InsideSample {
  eldMs: { p50: number; p99: number; max: number };
  heapUsedMb: number;
  heapTotalMb: number;
  rssMb: number;
  writtenMs: { lines: number; aheadOfClock: number; p50: number; p99: number; max: number };
  /** The alert engine per call (hub only). */
  decisionMs: { calls: number; p50: number; p99: number; max: number };
}

export interface Target {
  kind: BrokerKind;
  port: number;
  pid: number;
  /** Node brokers only. */
  sample?(opts: { reset?: boolean; gc?: boolean }): Promise<InsideSample>;
  hub?: HubProcess;
  /** Whether the process is still running (a reference may crash under a scenario). */
  alive(): boolean;
  /** Its last lines of output. */
  tail(): string;
  stop(): Promise<void>;
}

const running = (child: Child) => () => child.proc.exitCode === null && child.proc.signalCode === null;

export function hubTarget(hub: HubProcess): Target {
  return {
    kind: 'hub',
    port: hub.mqttPort,
    pid: hub.child.pid,
    sample: hub.sample,
    hub,
    alive: running(hub.child),
    tail: hub.child.tail,
    stop: hub.stop,
  };
}

export async function startAedes(): Promise<Target> {
  const script = fileURLToPath(new URL('./aedes-ref.ts', import.meta.url));
  const child = spawnChild('bare aedes', process.execPath, [...tsNodeArgs(true), '--expose-gc', script], {
    ipc: true,
  });
  try {
    const line = await child.waitForJson((o) => o.msg === 'listening', 30_000);
    return {
      kind: 'aedes',
      port: line.port as number,
      pid: child.pid,
      sample: (opts) => child.ask<InsideSample>({ bench: 'sample', ...opts }, 'sample'),
      alive: running(child),
      tail: child.tail,
      stop: () => child.stop(5000),
    };
  } catch (err) {
    await child.stop(1000);
    throw err;
  }
}

/** Debian's mosquitto with a generated config: loopback only, anonymous, no persistence, no connection cap. */
export async function startMosquitto(workDir: string): Promise<Target> {
  const dir = join(workDir, 'mosquitto');
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(
    conf,
    [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous true',
      'max_connections -1',
      'persistence false',
      'log_dest stderr',
      'log_type error',
      'log_type warning',
      '',
    ].join('\n'),
  );
  const child: Child = spawnChild('mosquitto', 'mosquitto', ['-c', conf]);
  try {
    await waitForPort(port, child, 10_000);
    return {
      kind: 'mosquitto',
      port,
      pid: child.pid,
      alive: running(child),
      tail: child.tail,
      stop: () => child.stop(5000),
    };
  } catch (err) {
    await child.stop(1000);
    throw err;
  }
}

async function waitForPort(port: number, child: Child, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.proc.exitCode !== null) throw new Error(`${child.name} exited:\n${child.tail()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${child.name}: port ${port} not open within ${timeoutMs} ms:\n${child.tail()}`);
}
