/**
 * The real InfluxDB of the tests: the shared server of the run (INFLUX_URL, else the influxd started by
 * global-setup.ts, else an InfluxDB 2.x container), unique databases, InfluxQL queries, and private
 * influxd processes for the tests that stop and restart the server.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { type InfluxdHandle, startInfluxd } from '../../ingest/influxd-process.ts';

export interface SharedInflux {
  url?: string;
  /** InfluxDB 2.x token (INFLUX_TOKEN, or the container's). */
  token?: string;
  /** Why no server is available. */
  error?: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    influx: SharedInflux;
  }
}

export function sharedInflux(): SharedInflux {
  return inject('influx') ?? { error: 'test/helpers/global-setup.ts did not run' };
}

/** The URL of the run's shared InfluxDB; throws the reason when there is none. */
export async function sharedInfluxUrl(): Promise<string> {
  const shared = sharedInflux();
  if (!shared.url) throw new Error(`no InfluxDB for the tests: ${shared.error}`);
  return shared.url;
}

let counter = 0;

/** A database name no other test (or worker) uses: `prefix_<pid>_<n>_<random>`. */
export function uniqueDatabase(prefix = 'test'): string {
  counter++;
  return `${prefix}_${process.pid}_${counter}_${Math.random().toString(36).slice(2, 8)}`;
}

function headers(url: string): Record<string, string> {
  const shared = sharedInflux();
  return shared.token && url === shared.url ? { Authorization: `Token ${shared.token}` } : {};
}

export type Row = Record<string, unknown> & { time: string };

interface QueryResponse {
  results?: Array<{
    error?: string;
    series?: Array<{ name: string; tags?: Record<string, string>; columns: string[]; values: unknown[][] }>;
  }>;
  error?: string;
}

/** Runs one InfluxQL statement; rows are objects keyed by column, with `measurement` and group-by tags. */
export async function query(url: string, db: string, influxql: string): Promise<Row[]> {
  const params = new URLSearchParams({ db, q: influxql });
  const res = await fetch(`${url}/query?${params}`, { headers: headers(url) });
  const body = (await res.json()) as QueryResponse;
  const result = body.results?.[0];
  const error = body.error ?? result?.error;
  if (error) throw new Error(`InfluxQL ${influxql}: ${error}`);
  const rows: Row[] = [];
  for (const series of result?.series ?? []) {
    for (const values of series.values) {
      const row: Record<string, unknown> = { measurement: series.name, ...series.tags };
      series.columns.forEach((column, i) => {
        row[column] = values[i];
      });
      rows.push(row as Row);
    }
  }
  return rows;
}

/**
 * Points in a measurement: the largest per-field COUNT, which is exact when one field is in every point
 * (as in the tests' measurements). 0 when the measurement or the database does not exist.
 */
export async function countPoints(url: string, db: string, measurement: string): Promise<number> {
  let rows: Row[];
  try {
    rows = await query(url, db, `SELECT COUNT(*) FROM "${measurement.replace(/"/g, '\\"')}"`);
  } catch (err) {
    if (/database not found/.test(String(err))) return 0;
    throw err;
  }
  let max = 0;
  for (const row of rows)
    for (const [key, value] of Object.entries(row))
      if (key.startsWith('count_') && typeof value === 'number') max = Math.max(max, value);
  return max;
}

export async function createDatabase(url: string, db: string): Promise<void> {
  const res = await fetch(`${url}/query`, {
    method: 'POST',
    headers: { ...headers(url), 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ q: `CREATE DATABASE "${db}"` }),
  });
  if (!res.ok) throw new Error(`CREATE DATABASE ${db}: HTTP ${res.status} ${await res.text()}`);
}

export interface PrivateInfluxd {
  url: string;
  port: number;
  dir: string;
  /** Takes the server away (SIGTERM); its data stays. */
  stop(): Promise<void>;
  /** Brings it back on the same port and data. */
  start(): Promise<void>;
  /** Stops it and deletes its data. */
  dispose(): Promise<void>;
}

/** An influxd of the test's own, for outages: stop it, start it again on the same port and data. */
export async function privateInfluxd(): Promise<PrivateInfluxd> {
  const dir = mkdtempSync(join(tmpdir(), 'influxd-private-'));
  // A port below the kernel's ephemeral range (32768+ here): while this server is stopped for an
  // outage, no other test's port-0 listener can take its port, so the restart finds it free.
  let handle: InfluxdHandle | undefined;
  for (let attempt = 0; !handle; attempt++) {
    try {
      handle = await startInfluxd({ dir, port: 20_000 + Math.floor(Math.random() * 10_000) });
    } catch (err) {
      if (attempt >= 5) throw err;
    }
  }
  const port = handle.port;
  return {
    url: handle.url,
    port,
    dir,
    stop: async () => {
      await handle?.stop();
      handle = undefined;
    },
    start: async () => {
      handle ??= await startInfluxd({ dir, port });
    },
    dispose: async () => {
      await handle?.stop();
      handle = undefined;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
