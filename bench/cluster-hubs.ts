/**
 * The cluster bench's hub processes: each its own `node bin/hub.js start` with a fresh config (optionally
 * on a shared Redis), the load vessels' registry, and the wait for their spools to drain.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import type { Device } from '../ingest/registry.ts';
import { fleetRegistry, planFleet } from '../simulators/fleet/vessels.ts';
import { type Child, spawnChild } from './children.ts';
import { listeningPorts, withoutHubVariables } from './hub-proc.ts';
import type { BenchInflux } from './influx.ts';

const BIN = fileURLToPath(new URL('../bin/hub.js', import.meta.url));
/** Every load vessel logs in with it (the registry holds its hash). */
export const PASSWORD = 'bench-cluster-secret';

export interface BenchHub {
  name: string;
  mqttPort: number;
  httpPort: number;
  child: Child;
}

/** A hub process of its own: production defaults except loopback ports and no publish-rate cap. */
export async function startHub(opts: {
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
  const env = withoutHubVariables();
  const child = spawnChild(opts.name, process.execPath, [BIN, 'start', '--config', file], { cwd: dir, env });
  const ports = await listeningPorts(child);
  return { name: opts.name, mqttPort: ports.mqtt, httpPort: ports.http, child };
}

async function spoolLines(hub: BenchHub): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${hub.httpPort}/health`);
  const health = (await res.json()) as { components?: { spool?: { lines?: number } } };
  return health.components?.spool?.lines ?? Number.NaN;
}

/** Resolves once every hub's spool is empty (all it took in is in InfluxDB). */
export async function drained(hubs: BenchHub[], timeoutMs = 120_000): Promise<void> {
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
export function disjointSeeds(count: number, vesselsEach: number): number[] {
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

/** The registry entries of the loads on `hubs` hubs (vessels only, each once). */
export function loadDevices(connections: number, hubs: number): Device[] {
  const each = Math.max(1, Math.floor(connections / hubs));
  return disjointSeeds(hubs, each).flatMap((seed) => {
    const ids = planFleet({ vessels: each, seed }).map((v) => v.id);
    const secrets = Object.fromEntries(ids.map((id) => [id, PASSWORD]));
    return fleetRegistry({ vessels: each, seed, secrets }).filter((d) => d.kind === 'vessel');
  });
}
