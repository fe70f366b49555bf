/**
 * The bench's InfluxDB: `INFLUX_URL` (and `INFLUX_TOKEN` for 2.x/3.x) when set, else a private influxd
 * (Debian's 1.x) in the run's temporary folder. Points are counted by InfluxQL, never assumed.
 */
import { join } from 'node:path';
import { startInfluxd } from '../ingest/influxd-process.ts';

export interface BenchInflux {
  url: string;
  token?: string;
  /** "influxd 1.6.7 (private)" or the URL given. */
  description: string;
  stop(): Promise<void>;
}

export async function openInflux(workDir: string): Promise<BenchInflux> {
  const url = process.env.INFLUX_URL;
  const token = process.env.INFLUX_TOKEN;
  if (url)
    return { url, ...(token ? { token } : {}), description: `${url} (INFLUX_URL)`, stop: async () => {} };
  const influxd = await startInfluxd({ dir: join(workDir, 'influxd') });
  return { url: influxd.url, description: `private influxd on ${influxd.url}`, stop: () => influxd.stop() };
}

interface QueryResponse {
  results?: Array<{ error?: string; series?: Array<{ columns: string[]; values: unknown[][] }> }>;
  error?: string;
}

export async function influxQuery(
  influx: Pick<BenchInflux, 'url' | 'token'>,
  db: string,
  q: string,
  method: 'GET' | 'POST' = 'GET',
): Promise<QueryResponse> {
  const params = new URLSearchParams({ db, q });
  const headers: Record<string, string> = influx.token ? { Authorization: `Token ${influx.token}` } : {};
  const res =
    method === 'GET'
      ? await fetch(`${influx.url}/query?${params}`, { headers })
      : await fetch(`${influx.url}/query`, {
          method: 'POST',
          headers: { ...headers, 'Content-Type': 'application/x-www-form-urlencoded' },
          body: params,
        });
  return (await res.json()) as QueryResponse;
}

/** The first row of a one-row result as column → number (absent columns are 0). */
async function firstRow(influx: Pick<BenchInflux, 'url' | 'token'>, db: string, q: string) {
  const body = await influxQuery(influx, db, q);
  const result = body.results?.[0];
  const error = body.error ?? result?.error;
  if (error && !/database not found/.test(error)) throw new Error(`InfluxQL ${q}: ${error}`);
  const series = result?.series?.[0];
  const row: Record<string, number> = {};
  series?.columns.forEach((c, i) => {
    const v = series.values[0]?.[i];
    if (typeof v === 'number') row[c] = v;
  });
  return row;
}

export interface StoredCounts {
  /** Messages whose RMC and GGA both reached InfluxDB (one row per message: RMC+GGA share their time). */
  messages: number;
  rmc: number;
  gga: number;
  deadLetters: number;
}

/** Counts what the load generator's messages left in `db`: RMC rows carry sog_kn, GGA rows sats. */
export async function countStored(
  influx: Pick<BenchInflux, 'url' | 'token'>,
  db: string,
): Promise<StoredCounts> {
  const pos = await firstRow(influx, db, 'SELECT COUNT(sog_kn), COUNT(sats) FROM vessel_position');
  const dl = await firstRow(influx, db, 'SELECT COUNT(topic) FROM deadletter');
  const rmc = pos.count ?? 0;
  const gga = pos.count_1 ?? 0;
  return { messages: Math.min(rmc, gga), rmc, gga, deadLetters: dl.count ?? 0 };
}

export async function dropDatabase(influx: Pick<BenchInflux, 'url' | 'token'>, db: string): Promise<void> {
  await influxQuery(influx, db, `DROP DATABASE "${db}"`, 'POST').catch(() => {});
}
