/**
 * `hub dashboards push`: the dashboards into a Grafana folder through the HTTP API, created or updated by
 * uid, with a report of what changed. As Grafana documents its API (HTTP API > Dashboard, Folder):
 * - `GET /api/folders/:uid` answers 404 for a missing folder, created with `POST /api/folders {uid, title}`;
 * - `GET /api/dashboards/uid/:uid` gives the stored dashboard and its version (404 when new);
 * - `POST /api/dashboards/db {dashboard, folderUid, overwrite, message}`; an update carries the stored
 *   version, so that an edit saved in between is not overwritten silently: Grafana answers `412
 *   {status: "version-mismatch"}` (or `"name-exists"`, `"plugin-dashboard"`). Without `force` a 412 is
 *   reported as a conflict; with `force` the request is repeated with `overwrite: true`. A 404 for the
 *   dashboard's folder (deleted meanwhile) creates the folder and repeats the request once.
 */
import type { BuiltDashboard } from './build.ts';
import { pushError } from './errors.ts';

export interface PushOptions {
  grafanaUrl: string;
  /** Service account token (`Authorization: Bearer`). */
  token: string;
  folderUid: string;
  folderTitle: string;
  /** Overwrite dashboards changed in Grafana since they were pushed (on 412). */
  force?: boolean;
  dashboards: readonly BuiltDashboard[];
  /** Version message stored with each save. */
  message?: string;
  fetch?: typeof fetch;
}

export type PushStatus = 'created' | 'updated' | 'unchanged' | 'conflict' | 'failed';

export interface PushResult {
  uid: string;
  title: string;
  status: PushStatus;
  /** Version stored by Grafana after the push. */
  version?: number;
  detail?: string;
}

export interface PushReport {
  folder: 'existing' | 'created';
  results: PushResult[];
}

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

class GrafanaApi {
  readonly #base: string;
  readonly #token: string;
  readonly #fetch: typeof fetch;

  constructor(opts: PushOptions) {
    this.#base = opts.grafanaUrl.replace(/\/+$/, '');
    this.#token = opts.token;
    this.#fetch = opts.fetch ?? fetch;
  }

  async call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<Answer> {
    let res: Response;
    try {
      res = await this.#fetch(`${this.#base}${path}`, {
        method,
        headers: {
          Authorization: `Bearer ${this.#token}`,
          Accept: 'application/json',
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (err) {
      throw pushError(`cannot reach Grafana at ${this.#base}: ${(err as Error).message}`, err);
    }
    const text = await res.text();
    let parsed: Record<string, unknown> = {};
    try {
      parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      parsed = { message: text.slice(0, 200) };
    }
    if (res.status === 401 || res.status === 403) {
      throw pushError(`Grafana refused the token (HTTP ${res.status}): ${String(parsed.message ?? '')}`);
    }
    return { status: res.status, body: parsed };
  }
}

function describe(answer: Answer): string {
  return `HTTP ${answer.status}${answer.body.message ? `: ${String(answer.body.message)}` : ''}`;
}

async function ensureFolder(api: GrafanaApi, opts: PushOptions): Promise<'existing' | 'created'> {
  const found = await api.call('GET', `/api/folders/${encodeURIComponent(opts.folderUid)}`);
  if (found.status === 200) return 'existing';
  if (found.status !== 404) throw pushError(`folder ${opts.folderUid}: ${describe(found)}`);
  const made = await api.call('POST', '/api/folders', { uid: opts.folderUid, title: opts.folderTitle });
  // 409/412: created by someone else in between, which is what we wanted.
  if (made.status === 200 || made.status === 409 || made.status === 412) return 'created';
  throw pushError(`cannot create folder ${opts.folderUid}: ${describe(made)}`);
}

/** Key order and Grafana's bookkeeping (`id`, `version`) aside, the same dashboard? */
function sameContent(stored: unknown, ours: object): boolean {
  const canonical = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(canonical);
    if (value && typeof value === 'object') {
      const entries = Object.entries(value as Record<string, unknown>)
        .filter(([k]) => k !== 'id' && k !== 'version')
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return Object.fromEntries(entries.map(([k, v]) => [k, canonical(v)]));
    }
    return value;
  };
  return JSON.stringify(canonical(stored)) === JSON.stringify(canonical(ours));
}

async function pushOne(api: GrafanaApi, opts: PushOptions, d: BuiltDashboard): Promise<PushResult> {
  const base = { uid: d.uid, title: d.title };
  const existing = await api.call('GET', `/api/dashboards/uid/${encodeURIComponent(d.uid)}`);
  if (existing.status !== 200 && existing.status !== 404)
    return { ...base, status: 'failed', detail: describe(existing) };
  const stored =
    existing.status === 200 ? (existing.body.dashboard as Record<string, unknown> | undefined) : undefined;
  const meta = existing.body.meta as { folderUid?: string } | undefined;
  if (stored && meta?.folderUid === opts.folderUid && sameContent(stored, d.json)) {
    return { ...base, status: 'unchanged', version: Number(stored.version) };
  }
  const dashboard = {
    ...d.json,
    id: null,
    ...(stored?.version !== undefined ? { version: stored.version } : {}),
  };
  const post = (overwrite: boolean) =>
    api.call('POST', '/api/dashboards/db', {
      dashboard,
      folderUid: opts.folderUid,
      overwrite,
      message: opts.message ?? 'hub dashboards push',
    });
  let answer = await post(false);
  if (answer.status === 404 || (answer.status === 400 && /folder/i.test(String(answer.body.message ?? '')))) {
    await ensureFolder(api, opts);
    answer = await post(false);
  }
  if (answer.status === 412) {
    const reason = String(answer.body.status ?? 'precondition-failed');
    if (opts.force && reason !== 'plugin-dashboard') answer = await post(true);
    else
      return {
        ...base,
        status: 'conflict',
        detail: `${reason}: ${String(answer.body.message ?? '')}${reason === 'plugin-dashboard' ? '' : ' (use --force to overwrite)'}`,
      };
  }
  if (answer.status !== 200) return { ...base, status: 'failed', detail: describe(answer) };
  return { ...base, status: stored ? 'updated' : 'created', version: Number(answer.body.version) };
}

export async function pushDashboards(opts: PushOptions): Promise<PushReport> {
  const api = new GrafanaApi(opts);
  const folder = await ensureFolder(api, opts);
  const results: PushResult[] = [];
  for (const d of opts.dashboards) results.push(await pushOne(api, opts, d));
  return { folder, results };
}

export function formatReport(report: PushReport, opts: { grafanaUrl: string; folderUid: string }): string {
  const lines = [`folder ${opts.folderUid}: ${report.folder}`];
  for (const r of report.results) {
    const version = r.version !== undefined && !Number.isNaN(r.version) ? ` (version ${r.version})` : '';
    lines.push(`${r.status.padEnd(9)} ${r.uid}  ${r.title}${version}${r.detail ? `: ${r.detail}` : ''}`);
  }
  return `${lines.join('\n')}\n`;
}
