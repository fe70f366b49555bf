/**
 * Three hubs as real processes sharing one real Redis: their configs (each its own folder, spool,
 * archive, alert state and writer record; one database), their `/health`, a webhook receiver that can
 * refuse deliveries for a while, and the lines each hub's writer sent (from its record and its spool).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { segmentPath } from '../../ingest/spool-files.ts';
import { analyseRecord, parseRecord, type RecordAnalysis } from '../../ingest/spool-record.ts';
import { childConfig, type HubProcess, startHubProcess, writeConfig } from '../reliability/hub-process.ts';

export interface ClusterHub extends HubProcess {
  name: string;
  dir: string;
}

export async function startClusterHub(opts: {
  name: string;
  dir: string;
  redisUrl: string;
  influxUrl: string;
  database: string;
  /** Config sections merged over the child defaults (`broker` is merged key by key). */
  extra?: Record<string, object>;
}): Promise<ClusterHub> {
  const { extra = {} } = opts;
  mkdirSync(opts.dir, { recursive: true });
  const config = childConfig(opts.dir, opts.influxUrl, opts.database, {
    ...extra,
    broker: { instance: opts.name, cluster: { redis: opts.redisUrl }, ...(extra.broker ?? {}) },
    alerts: { stateDir: join(opts.dir, 'alerts'), ...(extra.alerts ?? {}) },
  });
  const hub = await startHubProcess(writeConfig(opts.dir, config), { timeoutMs: 45_000 });
  return Object.assign(hub, { name: opts.name, dir: opts.dir });
}

export interface Health {
  ready: boolean;
  components: {
    cluster?: { ok: boolean; role: 'leader' | 'follower'; leader: string | null };
    alerts?: { role?: 'leader' | 'follower'; firing?: number };
    spool?: { lines?: number };
  };
}

export async function health(hub: Pick<HubProcess, 'httpPort'>): Promise<Health | undefined> {
  try {
    const res = await fetch(`http://127.0.0.1:${hub.httpPort}/health`, { signal: AbortSignal.timeout(2000) });
    return (await res.json()) as Health;
  } catch {
    return undefined;
  }
}

/** Leading with its duties running (the alerts service of the term has started). */
export async function leads(hub: Pick<HubProcess, 'httpPort'>): Promise<boolean> {
  return (await health(hub))?.components.alerts?.role === 'leader';
}

export interface Delivery {
  headers: IncomingHttpHeaders;
  json: {
    id: string;
    reason: string;
    transitions: Array<{ transition_id: string; state: string; started_at: string }>;
  };
  accepted: boolean;
  atMs: number;
}

/** A webhook receiver on loopback recording every attempt; `refuse = true` answers 503 (retried). */
export async function hookServer() {
  const deliveries: Delivery[] = [];
  const state = { refuse: false };
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', () => {
      const accepted = !state.refuse;
      deliveries.push({ headers: req.headers, json: JSON.parse(body), accepted, atMs: Date.now() });
      res.writeHead(accepted ? 200 : 503).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    deliveries,
    state,
    /** The transition ids of accepted deliveries of one rule in one state, in order. */
    ids: (rule: string, stateName: string) =>
      deliveries
        .filter((d) => d.accepted)
        .flatMap((d) => d.json.transitions)
        .filter((t) => t.transition_id.startsWith(`${rule}:`) && t.state === stateName)
        .map((t) => t.transition_id),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The line-protocol lines a hub's writer sent to InfluxDB (its record's ranges, read from its spool). */
export function sentLines(dir: string): { lines: string[]; analysis: RecordAnalysis } {
  const record = join(dir, 'sent.log');
  const analysis = analyseRecord(record);
  const segments = new Map<number, string[]>();
  const lines: string[] = [];
  for (const range of parseRecord(readFileSync(record, 'utf8'))) {
    let segment = segments.get(range.segment);
    if (!segment) {
      segment = readFileSync(segmentPath(join(dir, 'spool'), range.segment), 'utf8').split('\n');
      segments.set(range.segment, segment);
    }
    lines.push(...segment.slice(range.from, range.to));
  }
  return { lines, analysis };
}
