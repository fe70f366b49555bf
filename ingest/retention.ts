/**
 * Decree 41/2026: VMS data are kept at least 36 months. On InfluxDB 1.x the hub checks the retention
 * policy its writes go to (`influx.retentionPolicy`, else the database's default) and, when it manages the
 * database (`influx.createDatabase`), creates a missing one or lengthens a shorter one to
 * `influx.minRetentionDays` (1100 d ≈ 36 months + margin). It never shortens a policy: an infinite one
 * (`0s`, 1.x's `autogen` default) already keeps everything. InfluxDB 2.x keeps retention on the bucket
 * and 3.x on the database; there the statement is refused and the hub logs what to check instead.
 */
import type { Logger } from 'pino';
import { errorText, InfluxHttp, isSuccess } from './influx-http.ts';
import type { InfluxTarget } from './influx-writer.ts';

export type RetentionOutcome =
  | { kind: 'ok'; policy: string; days: number | 'infinite' }
  | { kind: 'created' | 'lengthened'; policy: string; days: number }
  | { kind: 'too_short'; policy: string; days: number }
  | { kind: 'disabled' }
  | { kind: 'unreachable' | 'unsupported'; error: string };

interface PolicyRow {
  name: string;
  duration: string;
  default: boolean;
}

/** InfluxDB duration text (`26400h0m0s`, `0s`) → days; 0 = infinite. */
export function durationDays(text: string): number {
  let hours = 0;
  for (const [, n, unit] of text.matchAll(/(\d+(?:\.\d+)?)(h|m|s|d|w)/g)) {
    const v = Number(n);
    hours +=
      unit === 'w' ? v * 168 : unit === 'd' ? v * 24 : unit === 'h' ? v : unit === 'm' ? v / 60 : v / 3600;
  }
  return hours / 24;
}

const quote = (name: string) => `"${name.replace(/["\\]/g, (c) => `\\${c}`)}"`;

async function influxql(
  http: InfluxHttp,
  db: string,
  q: string,
): Promise<{ ok: boolean; body: string; error?: string }> {
  const form = Buffer.from(new URLSearchParams({ db, q }).toString());
  const r = await http.send('POST', 'query', form, 'application/x-www-form-urlencoded');
  if (r.status === 0) return { ok: false, body: '', error: `unreachable: ${r.body}` };
  const inner = isSuccess(r) ? /"error":"([^"]*)"/.exec(r.body)?.[1] : errorText(r.body);
  return inner ? { ok: false, body: r.body, error: inner } : { ok: true, body: r.body };
}

function parsePolicies(body: string): PolicyRow[] {
  const parsed = JSON.parse(body) as {
    results?: Array<{ series?: Array<{ columns: string[]; values: unknown[][] }> }>;
  };
  const series = parsed.results?.[0]?.series?.[0];
  if (!series) return [];
  const col = (name: string) => series.columns.indexOf(name);
  return series.values.map((v) => ({
    name: String(v[col('name')]),
    duration: String(v[col('duration')]),
    default: v[col('default')] === true,
  }));
}

export async function ensureRetention(
  target: InfluxTarget & { minRetentionDays: number },
  log: Logger,
): Promise<RetentionOutcome> {
  const minDays = target.minRetentionDays;
  if (minDays <= 0) return { kind: 'disabled' };
  const http = new InfluxHttp(target.url, target, target.timeoutMs, 1);
  try {
    const db = target.database;
    const shown = await influxql(http, db, `SHOW RETENTION POLICIES ON ${quote(db)}`);
    if (!shown.ok) {
      const error = shown.error ?? 'refused';
      if (error.startsWith('unreachable') || /database not found/.test(error))
        return { kind: 'unreachable', error };
      log.warn(
        { error, minDays },
        'retention: cannot read retention policies (InfluxDB 2.x/3.x?): make sure the bucket/database keeps data ≥ 36 months',
      );
      return { kind: 'unsupported', error };
    }
    const policies = parsePolicies(shown.body);
    const wanted = target.retentionPolicy;
    const policy = wanted ? policies.find((p) => p.name === wanted) : policies.find((p) => p.default);
    const manage = target.createDatabase;
    if (!policy) {
      if (!wanted) return { kind: 'unsupported', error: 'no default retention policy' };
      if (!manage) return { kind: 'too_short', policy: wanted, days: 0 };
      const created = await influxql(
        http,
        db,
        `CREATE RETENTION POLICY ${quote(wanted)} ON ${quote(db)} DURATION ${minDays}d REPLICATION 1`,
      );
      if (!created.ok) return { kind: 'unsupported', error: created.error ?? 'refused' };
      log.info({ policy: wanted, days: minDays }, 'retention policy created');
      return { kind: 'created', policy: wanted, days: minDays };
    }
    const days = durationDays(policy.duration);
    if (days === 0) return { kind: 'ok', policy: policy.name, days: 'infinite' };
    if (days >= minDays) return { kind: 'ok', policy: policy.name, days };
    if (!manage) {
      log.warn(
        { policy: policy.name, days, minDays },
        'retention policy shorter than influx.minRetentionDays (Decree 41/2026: VMS data ≥ 36 months); the hub does not manage this database (influx.createDatabase: false)',
      );
      return { kind: 'too_short', policy: policy.name, days };
    }
    const altered = await influxql(
      http,
      db,
      `ALTER RETENTION POLICY ${quote(policy.name)} ON ${quote(db)} DURATION ${minDays}d`,
    );
    if (!altered.ok) return { kind: 'unsupported', error: altered.error ?? 'refused' };
    log.warn(
      { policy: policy.name, fromDays: days, toDays: minDays },
      'retention policy lengthened to influx.minRetentionDays (Decree 41/2026: VMS data ≥ 36 months)',
    );
    return { kind: 'lengthened', policy: policy.name, days: minDays };
  } finally {
    http.close();
  }
}

/**
 * Runs `ensureRetention` now and, while InfluxDB is unreachable (or the database not created yet), again
 * every `retryMs`. Returns a stop function.
 */
export function keepRetention(
  target: InfluxTarget & { minRetentionDays: number },
  log: Logger,
  retryMs = 30_000,
  onOutcome: (o: RetentionOutcome) => void = () => {},
): () => void {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const attempt = async () => {
    const outcome = await ensureRetention(target, log).catch(
      (err: unknown): RetentionOutcome => ({ kind: 'unsupported', error: (err as Error).message }),
    );
    onOutcome(outcome);
    if (outcome.kind === 'unreachable' && !stopped) {
      timer = setTimeout(attempt, retryMs);
      timer.unref();
    }
  };
  void attempt();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
