/**
 * Seeding at start from InfluxDB, so that what happened while the hub was down still counts: a silence
 * rule learns each entity's last point (`SELECT last(<field>) ... GROUP BY <groupBy>`), the fleet state
 * each vessel's last position. The caller injects `query(influxql) → rows`; `rowsFromQueryResponse`
 * turns InfluxDB's /query JSON into those rows (columns plus the series' tags).
 */
import { compileWhere, entityOf, entityTags } from './match.ts';
import type { SilenceRule } from './rule-schema.ts';

export type Row = Record<string, unknown>;
export type QueryFn = (influxql: string) => Promise<Row[]>;

const DAY_MS = 86_400_000;
/** Seeds look back at least this far (a vessel silent for 20 days is still a silent vessel). */
export const MIN_SEED_HORIZON_MS = 30 * DAY_MS;

// InfluxQL: identifiers in double quotes, strings in single quotes, backslash escapes.
export function quoteIdent(name: string): string {
  return `"${name.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

export function quoteString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function influxDuration(ms: number): string {
  const whole = Math.ceil(ms);
  return whole % DAY_MS === 0 ? `${whole / DAY_MS}d` : `${whole}ms`;
}

export interface LastQuery {
  measurement: string;
  field: string;
  tags: Readonly<Record<string, readonly string[]>>;
  groupBy: readonly string[];
  horizonMs: number;
}

export function buildLastQuery(q: LastQuery): string {
  const conditions = [`time > now() - ${influxDuration(q.horizonMs)}`];
  for (const [tag, values] of Object.entries(q.tags)) {
    const alternatives = values.map((v) => `${quoteIdent(tag)} = ${quoteString(v)}`);
    conditions.push(
      alternatives.length === 1 ? (alternatives[0] as string) : `(${alternatives.join(' OR ')})`,
    );
  }
  const groupBy = q.groupBy.length ? ` GROUP BY ${q.groupBy.map(quoteIdent).join(', ')}` : '';
  return `SELECT last(${quoteIdent(q.field)}) FROM ${quoteIdent(q.measurement)} WHERE ${conditions.join(' AND ')}${groupBy}`;
}

export function seedHorizonMs(rule: SilenceRule): number {
  return rule.seedHorizon ?? Math.max(MIN_SEED_HORIZON_MS, 2 * rule.after);
}

/** The seed queries of a silence rule: one per seed field (default `requireFields[0]`); none without one. */
export function silenceSeedQueries(rule: SilenceRule): string[] {
  const fields = rule.seedFields ?? rule.requireFields.slice(0, 1);
  return fields.map((field) =>
    buildLastQuery({
      measurement: rule.measurement,
      field,
      tags: compileWhere(rule.where).tags,
      groupBy: rule.groupBy,
      horizonMs: seedHorizonMs(rule),
    }),
  );
}

interface QueryResponse {
  results?: Array<{
    error?: string;
    series?: Array<{
      name?: string;
      tags?: Record<string, string>;
      columns?: string[];
      values?: unknown[][];
    }>;
  }>;
  error?: string;
}

/** InfluxDB 1.x /query JSON (also 2.x/3.x v1 compatibility) → rows; an error answer throws. */
export function rowsFromQueryResponse(json: unknown): Row[] {
  const body = json as QueryResponse;
  const result = body?.results?.[0];
  const error = body?.error ?? result?.error;
  if (error) throw new Error(`InfluxQL error: ${error}`);
  const rows: Row[] = [];
  for (const series of result?.series ?? []) {
    for (const values of series.values ?? []) {
      const row: Row = { measurement: series.name, ...series.tags };
      (series.columns ?? []).forEach((column, i) => {
        row[column] = values[i];
      });
      rows.push(row);
    }
  }
  return rows;
}

/** A row's `time` in ms: RFC 3339 text, or a number (ms; ns when it is that large). */
export function rowTimeMs(time: unknown): number | undefined {
  if (typeof time === 'number') return time > 1e15 ? time / 1e6 : time;
  if (typeof time === 'string') {
    const ms = Date.parse(time);
    return Number.isFinite(ms) ? ms : undefined;
  }
  return undefined;
}

function rowTags(row: Row): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const [key, value] of Object.entries(row)) if (typeof value === 'string') tags[key] = value;
  return tags;
}

export interface SeenEntity {
  ms: number;
  tags: Record<string, string>;
}

/** Rows of the seed queries → each entity's latest time. */
export function parseLastSeen(rows: readonly Row[], groupBy: readonly string[]): Map<string, SeenEntity> {
  const seen = new Map<string, SeenEntity>();
  for (const row of rows) {
    const ms = rowTimeMs(row.time);
    const tags = rowTags(row);
    const entity = entityOf(groupBy, tags);
    if (ms === undefined || entity === null) continue;
    const prev = seen.get(entity);
    if (!prev || ms > prev.ms) seen.set(entity, { ms, tags: entityTags(groupBy, tags) });
  }
  return seen;
}

/** lastSeen(rule) → Map<entity, ms and tags> from InfluxDB; empty when the rule has no seed field. */
export async function lastSeen(rule: SilenceRule, query: QueryFn): Promise<Map<string, SeenEntity>> {
  const rows: Row[] = [];
  for (const influxql of silenceSeedQueries(rule)) rows.push(...(await query(influxql)));
  return parseLastSeen(rows, rule.groupBy);
}

/** Each vessel's last valid position: `last(lat)` with the `lon` of the same point. */
export function fleetSeedQuery(horizonMs = MIN_SEED_HORIZON_MS): string {
  return `SELECT last("lat") AS "lat", "lon" FROM "vessel_position" WHERE time > now() - ${influxDuration(horizonMs)} GROUP BY "vessel"`;
}

export interface SeededPosition {
  vessel: string;
  lat: number;
  lon: number;
  ms: number;
}

export function parseFleetSeed(rows: readonly Row[]): SeededPosition[] {
  const out: SeededPosition[] = [];
  for (const row of rows) {
    const ms = rowTimeMs(row.time);
    const { vessel, lat, lon } = row;
    if (ms === undefined || typeof vessel !== 'string' || typeof lat !== 'number' || typeof lon !== 'number')
      continue;
    out.push({ vessel, lat, lon, ms });
  }
  return out;
}
