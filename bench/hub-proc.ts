/**
 * The hub under test, as a child process of its own (`node bin/hub.js start`), so its CPU, RSS, heap
 * and event-loop delay are its alone. One hub per scenario: a fresh config, spool, archive and
 * database, on loopback ports chosen by the kernel. The config is the production default except what a
 * bench must set: loopback addresses, the database, the device registry, and `broker.maxConnections`
 * for the idle-connection scenarios.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import type { Device } from '../ingest/registry.ts';
import { type Child, spawnChild, tsNodeArgs } from './children.ts';
import type { BenchInflux } from './influx.ts';
import type { InsideSample } from './target.ts';

export interface HubSetup {
  /** Names the folder and the database. */
  name: string;
  workDir: string;
  influx: BenchInflux;
  devices: Device[];
  /** `alerts.rules`; none = the hub's default rules. */
  rules?: unknown[];
  maxConnections?: number;
}

export interface HubProcess {
  child: Child;
  database: string;
  mqttPort: number;
  httpPort: number;
  sample(opts: { reset?: boolean; gc?: boolean }): Promise<InsideSample>;
  /** Starts a V8 CPU profile inside the hub (eld-preload.ts). */
  startProfile(): Promise<void>;
  /** Stops it and writes the `.cpuprofile` to `file`. */
  stopProfile(file: string): Promise<void>;
  health(): Promise<Record<string, unknown>>;
  /** Lines committed to the spool and not yet in InfluxDB (from /health). */
  spoolLines(): Promise<number>;
  /** MQTT messages the hub took in on data topics (`hub_messages_in_total` of /metrics). */
  messagesIn(): Promise<number>;
  stop(): Promise<void>;
}

const BIN = fileURLToPath(new URL('../bin/hub.js', import.meta.url));

/** The child's environment without HUB_* overrides (they would silently change the bench's config). */
/** This process's environment without HUB_* variables, which would silently change a bench hub's config. */
export function withoutHubVariables(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('HUB_')));
}

function cleanEnv(): NodeJS.ProcessEnv {
  return { ...withoutHubVariables(), BENCH_TAP_ALERTS: '1' };
}

/** Waits for a starting hub's `listening` log lines: its MQTT and HTTP ports. */
export async function listeningPorts(child: Child): Promise<{ mqtt: number; http: number }> {
  const ports: Record<string, number> = {};
  await child.waitForJson((o) => {
    if (o.msg === 'listening' && typeof o.service === 'string' && typeof o.port === 'number')
      ports[o.service] = o.port;
    return ports.mqtt !== undefined && ports.http !== undefined;
  }, 60_000);
  return { mqtt: ports.mqtt as number, http: ports.http as number };
}

export async function startHubProcess(setup: HubSetup): Promise<HubProcess> {
  const dir = join(setup.workDir, setup.name);
  mkdirSync(dir, { recursive: true });
  const database = `bench_${setup.name.replace(/[^a-z0-9]/gi, '_')}_${process.pid}`;
  writeFileSync(join(dir, 'devices.yaml'), stringify(setup.devices));
  const config = {
    broker: {
      host: '127.0.0.1',
      port: 0,
      wsPort: -1,
      instance: 'bench',
      ...(setup.maxConnections ? { maxConnections: setup.maxConnections } : {}),
    },
    http: { host: '127.0.0.1', port: 0 },
    influx: {
      url: setup.influx.url,
      database,
      ...(setup.influx.token ? { token: setup.influx.token } : {}),
    },
    devices: { file: 'devices.yaml' },
    spool: { dir: './spool' },
    ingest: { archive: { dir: './archive' } },
    alerts: { stateDir: './alerts', ...(setup.rules ? { rules: setup.rules } : {}) },
    log: { level: 'info', pretty: false, auditFile: './audit.log' },
  };
  const configFile = join(dir, 'hub.yaml');
  writeFileSync(configFile, stringify(config));
  const child = spawnChild(
    `hub (${setup.name})`,
    process.execPath,
    [...tsNodeArgs(true), '--expose-gc', BIN, 'start', '--config', configFile],
    { cwd: dir, env: cleanEnv(), ipc: true },
  );
  try {
    const ports = await listeningPorts(child);
    const httpPort = ports.http;
    const health = async () => {
      const res = await fetch(`http://127.0.0.1:${httpPort}/health`);
      return (await res.json()) as Record<string, unknown>;
    };
    return {
      child,
      database,
      mqttPort: ports.mqtt,
      httpPort,
      sample: (opts) => child.ask<InsideSample>({ bench: 'sample', ...opts }, 'sample'),
      startProfile: async () => {
        await child.ask({ bench: 'profile' }, 'profile');
      },
      stopProfile: async (file) => {
        const answer = await child.ask<{ error?: string }>(
          { bench: 'profile', stop: file },
          'profile',
          60_000,
        );
        if (answer.error) throw new Error(`CPU profile: ${answer.error}`);
      },
      health,
      spoolLines: async () => {
        const h = await health();
        const spool = (h.components as Record<string, Record<string, unknown>> | undefined)?.spool;
        const lines = spool?.lines ?? spool?.spoolLines;
        return typeof lines === 'number' ? lines : Number.NaN;
      },
      messagesIn: async () => {
        const text = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
        let sum = 0;
        for (const line of text.split('\n'))
          if (line.startsWith('hub_messages_in_total')) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
        return sum;
      },
      stop: () => child.stop(15_000),
    };
  } catch (err) {
    await child.stop(2000);
    throw err;
  }
}
