/**
 * `GET /api/vessels/{id}/track?from&to[&source][&format=csv|geojson]`: a vessel's positions between two
 * times, from InfluxDB, for enforcement cases: GeoJSON (RFC 7946: a LineString of the track and one Point
 * per fix with its time, source and motion) or CSV (`?format=csv` or `Accept: text/csv`). Times are
 * InfluxDB's own RFC 3339 nanosecond timestamps, passed through untouched. A range holding more fixes
 * than `maxPoints` is refused (422), never cut short silently.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { InfluxHttp, isSuccess } from '../ingest/influx-http.ts';
import type { InfluxTarget } from '../ingest/influx-writer.ts';

export interface TrackDeps {
  influx: InfluxTarget;
  maxPoints?: number;
  now?: () => number;
  /** Called once per export (the audit log records who took which track). */
  exported?(e: {
    vessel: string;
    from: string;
    to: string;
    points: number;
    format: string;
    operator: string;
  }): void;
}

export interface Fix {
  time: string;
  lat: number;
  lon: number;
  source: string | null;
  terminal: string | null;
  mmsi: string | null;
  sog_kn: number | null;
  cog_deg: number | null;
  heading_deg: number | null;
  seq: number | null;
  sos: boolean | null;
}

const COLUMNS = [
  'lat',
  'lon',
  'source',
  'terminal',
  'mmsi',
  'sog_kn',
  'cog_deg',
  'heading_deg',
  'seq',
  'sos',
] as const;
const VESSEL_ID = /^[A-Za-z0-9:_.-]{1,64}$/;
const SOURCES = new Set(['nmea', 'ais', 'vms']);
const DAY_MS = 86_400_000;
/** Decree 41/2026 keeps 36 months; one request may span all of it. */
const MAX_RANGE_MS = 1100 * DAY_MS;

function parseTime(text: string | undefined, fallback: number): number | null {
  if (text === undefined || text === '') return fallback;
  if (/^\d{10,16}$/.test(text)) return Number(text); // epoch milliseconds
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : ms;
}

export function trackQuery(
  vessel: string,
  fromMs: number,
  toMs: number,
  source: string | undefined,
  limit: number,
): string {
  const where = [
    `"vessel" = '${vessel.replace(/['\\]/g, (c) => `\\${c}`)}'`,
    `time >= '${new Date(fromMs).toISOString()}'`,
    `time < '${new Date(toMs).toISOString()}'`,
  ];
  if (source) where.push(`"source" = '${source}'`);
  return `SELECT ${COLUMNS.map((c) => `"${c}"`).join(', ')} FROM "vessel_position" WHERE ${where.join(' AND ')} ORDER BY time ASC LIMIT ${limit}`;
}

interface QueryBody {
  results?: Array<{ error?: string; series?: Array<{ columns: string[]; values: unknown[][] }> }>;
  error?: string;
}

export function rowsToFixes(body: QueryBody): Fix[] {
  const series = body.results?.[0]?.series?.[0];
  if (!series) return [];
  const at = (name: string) => series.columns.indexOf(name);
  const num = (v: unknown) => (typeof v === 'number' ? v : null);
  const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);
  return series.values
    .map((v) => ({
      time: String(v[at('time')]),
      lat: v[at('lat')] as number,
      lon: v[at('lon')] as number,
      source: str(v[at('source')]),
      terminal: str(v[at('terminal')]),
      mmsi: str(v[at('mmsi')]),
      sog_kn: num(v[at('sog_kn')]),
      cog_deg: num(v[at('cog_deg')]),
      heading_deg: num(v[at('heading_deg')]),
      seq: num(v[at('seq')]),
      sos: typeof v[at('sos')] === 'boolean' ? (v[at('sos')] as boolean) : null,
    }))
    .filter((f) => typeof f.lat === 'number' && typeof f.lon === 'number');
}

export function toGeoJson(vessel: string, from: string, to: string, fixes: readonly Fix[]): object {
  const features: object[] = [];
  if (fixes.length >= 2) {
    features.push({
      type: 'Feature',
      geometry: { type: 'LineString', coordinates: fixes.map((f) => [f.lon, f.lat]) },
      properties: { vessel, from, to, fixes: fixes.length, start: fixes[0]?.time, end: fixes.at(-1)?.time },
    });
  }
  for (const f of fixes) {
    const { lat, lon, ...properties } = f;
    features.push({ type: 'Feature', geometry: { type: 'Point', coordinates: [lon, lat] }, properties });
  }
  return { type: 'FeatureCollection', features };
}

const CSV_HEADER = ['time', 'vessel', ...COLUMNS];

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(vessel: string, fixes: readonly Fix[]): string {
  const lines = [CSV_HEADER.join(',')];
  for (const f of fixes) lines.push([f.time, vessel, ...COLUMNS.map((c) => f[c])].map(csvCell).join(','));
  return `${lines.join('\r\n')}\r\n`; // RFC 4180 line breaks
}

export function trackRoutes(deps: TrackDeps): (app: FastifyInstance) => void {
  const maxPoints = deps.maxPoints ?? 200_000;
  const now = deps.now ?? Date.now;
  return (app) => {
    const http = new InfluxHttp(deps.influx.url, deps.influx, deps.influx.timeoutMs, 2);
    app.addHook('onClose', async () => http.close());
    app.get<{ Params: { id: string }; Querystring: Record<string, string | undefined> }>(
      '/api/vessels/:id/track',
      async (req, reply: FastifyReply) => {
        const vessel = req.params.id;
        if (!VESSEL_ID.test(vessel)) return reply.code(400).send({ error: 'bad vessel id' });
        const toMs = parseTime(req.query.to, now());
        const fromMs = toMs === null ? null : parseTime(req.query.from, toMs - DAY_MS);
        if (fromMs === null || toMs === null)
          return reply.code(400).send({ error: 'from/to: ISO 8601 times or epoch milliseconds' });
        if (fromMs >= toMs) return reply.code(400).send({ error: 'from must be before to' });
        if (toMs - fromMs > MAX_RANGE_MS)
          return reply.code(400).send({ error: 'range longer than 1100 days' });
        const source = req.query.source;
        if (source !== undefined && !SOURCES.has(source))
          return reply.code(400).send({ error: 'source: nmea, ais or vms' });
        const wantCsv =
          req.query.format === 'csv' || (!req.query.format && /text\/csv/.test(req.headers.accept ?? ''));
        if (req.query.format && !['csv', 'geojson'].includes(req.query.format))
          return reply.code(400).send({ error: 'format: csv or geojson' });

        const params = new URLSearchParams({
          db: deps.influx.database,
          q: trackQuery(vessel, fromMs, toMs, source, maxPoints + 1),
        });
        if (deps.influx.retentionPolicy) params.set('rp', deps.influx.retentionPolicy);
        const r = await http.send('GET', `query?${params}`);
        if (!isSuccess(r))
          return reply.code(503).send({ error: `InfluxDB: ${r.status ? `HTTP ${r.status}` : r.body}` });
        const body = JSON.parse(r.body) as QueryBody;
        const error = body.error ?? body.results?.[0]?.error;
        if (error && !/database not found/.test(error))
          return reply.code(503).send({ error: `InfluxDB: ${error}` });
        const fixes = rowsToFixes(body);
        if (fixes.length > maxPoints)
          return reply
            .code(422)
            .send({ error: `more than ${maxPoints} fixes in this range: narrow from/to` });
        const from = new Date(fromMs).toISOString();
        const to = new Date(toMs).toISOString();
        const format = wantCsv ? 'csv' : 'geojson';
        deps.exported?.({ vessel, from, to, points: fixes.length, format, operator: req.operator ?? '' });
        if (wantCsv) {
          const name = `track-${vessel.replace(/[^A-Za-z0-9_.-]/g, '_')}-${from.slice(0, 10)}-${to.slice(0, 10)}.csv`;
          return reply
            .type('text/csv; charset=utf-8')
            .header('Content-Disposition', `attachment; filename="${name}"`)
            .send(toCsv(vessel, fixes));
        }
        return reply.type('application/geo+json').send(JSON.stringify(toGeoJson(vessel, from, to, fixes)));
      },
    );
  };
}
