/**
 * Writes batches of line protocol to InfluxDB with `/write?db=&rp=&precision=ns` (1.x, 2.x through its
 * v1-compatible API, 3.x). One call = one batch's fate: written (maybe with some lines refused), or to be
 * retried. A 400 is never retried: the batch is split in halves until the refused lines are isolated,
 * and every other line is still written (InfluxDB 1.x may already have taken them in a "partial write";
 * sending them again overwrites them, since points carry their own time).
 */
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { InfluxConfigSchema } from '../config/schema.ts';
import { errorText, type HttpResult, InfluxHttp, isSuccess } from './influx-http.ts';

export type InfluxConfig = z.infer<typeof InfluxConfigSchema>;
export type InfluxTarget = InfluxConfig & { url: string };

/** Why an attempt must be retried (the `writeError` hook's kind). */
export type WriteErrorKind =
  | 'network'
  | 'timeout'
  | 'status_5xx'
  | 'status_429'
  | 'status_404'
  | 'unauthorized'
  | 'status_4xx'
  | 'aborted';

export interface RefusedLine {
  line: string;
  error: string;
}

export type BatchOutcome =
  | { kind: 'written'; written: number; refused: RefusedLine[] }
  | { kind: 'retry'; error: WriteErrorKind; message: string };

export interface WriterHooks {
  /** After each successful request (a batch being isolated makes several). */
  written(lines: number, ms: number): void;
  writeError(kind: string): void;
}

/** Statuses that mean "these lines are bad": 413 too, since a smaller batch may pass. */
const REFUSED = new Set([400, 413, 422]);

function retryKind(r: HttpResult): WriteErrorKind {
  if (r.error) return r.error;
  if (r.status === 429) return 'status_429';
  if (r.status >= 500) return 'status_5xx';
  if (r.status === 404) return 'status_404';
  if (r.status === 401 || r.status === 403) return 'unauthorized';
  return 'status_4xx';
}

/** Offset just after the n-th newline of `body`. */
function afterNthNewline(body: Buffer, n: number): number {
  let at = 0;
  for (let i = 0; i < n; i++) at = body.indexOf(10, at) + 1;
  return at;
}

export class InfluxWriter {
  private readonly http: InfluxHttp;
  private readonly writePath: string;
  private databasePending: boolean;
  private ensuring: Promise<void> | undefined;

  constructor(
    private readonly cfg: InfluxTarget,
    private readonly log: Logger,
    private readonly hooks: WriterHooks,
  ) {
    this.http = new InfluxHttp(cfg.url, cfg, cfg.timeoutMs, cfg.maxInFlight + 2);
    const params = new URLSearchParams({ db: cfg.database });
    if (cfg.retentionPolicy) params.set('rp', cfg.retentionPolicy);
    params.set('precision', 'ns'); // line-protocol.ts writes nanosecond timestamps
    this.writePath = `write?${params}`;
    this.databasePending = cfg.createDatabase;
  }

  /**
   * CREATE DATABASE when `influx.createDatabase`. Any answer settles it; only an unreachable server leaves
   * it pending for later. InfluxDB 2.x refuses the statement: with a token, the bucket its v1 API maps
   * `db`/`db/rp` to is created through /api/v2/buckets instead. 3.x creates databases on first write.
   */
  ensureDatabase(): Promise<void> {
    if (!this.databasePending) return Promise.resolve();
    this.ensuring ??= (async () => {
      const name = `"${this.cfg.database.replace(/["\\]/g, (c) => `\\${c}`)}"`;
      const form = Buffer.from(new URLSearchParams({ q: `CREATE DATABASE ${name}` }).toString());
      const r = await this.http.send('POST', 'query', form, 'application/x-www-form-urlencoded');
      if (r.status === 0) {
        this.log.debug({ error: r.body }, 'CREATE DATABASE postponed: InfluxDB unreachable');
        return;
      }
      this.databasePending = false;
      const refused = isSuccess(r) ? /"error":"([^"]*)"/.exec(r.body)?.[1] : errorText(r.body);
      if (!refused) return;
      if (this.cfg.token && (await this.createBucket())) return;
      this.log.warn({ status: r.status, error: refused }, 'CREATE DATABASE refused: the database must exist');
    })().finally(() => {
      this.ensuring = undefined;
    });
    return this.ensuring;
  }

  /** InfluxDB 2.x: a bucket named `db` (or `db/rp`), which its virtual DBRP mapping serves to /write. */
  private async createBucket(): Promise<boolean> {
    const orgs = await this.http.send('GET', 'api/v2/orgs');
    if (!isSuccess(orgs)) return false;
    let orgID: string | undefined;
    try {
      orgID = (JSON.parse(orgs.body) as { orgs?: Array<{ id?: string }> }).orgs?.[0]?.id;
    } catch {}
    if (!orgID) return false;
    const rp = this.cfg.retentionPolicy;
    const bucket = { orgID, name: rp ? `${this.cfg.database}/${rp}` : this.cfg.database, retentionRules: [] };
    const r = await this.http.send(
      'POST',
      'api/v2/buckets',
      Buffer.from(JSON.stringify(bucket)),
      'application/json',
    );
    // 422: the bucket exists already.
    return isSuccess(r) || r.status === 422;
  }

  /** GET /ping: the server answers (204 on 1.x/2.x, 200 on 3.x). */
  async ping(): Promise<boolean> {
    return isSuccess(await this.http.send('GET', 'ping'));
  }

  /** `body`: `lines` newline-terminated lines. */
  async writeBatch(body: Buffer, lines: number): Promise<BatchOutcome> {
    if (this.databasePending) await this.ensureDatabase();
    const r = await this.http.send('POST', this.writePath, body);
    if (isSuccess(r)) {
      this.hooks.written(lines, r.ms);
      return { kind: 'written', written: lines, refused: [] };
    }
    if (REFUSED.has(r.status)) return this.isolate(body, lines, errorText(r.body));
    const error = retryKind(r);
    if (error === 'aborted') return { kind: 'retry', error, message: 'writer closed' };
    if (error === 'status_404' && this.cfg.createDatabase) this.databasePending = true;
    this.hooks.writeError(error);
    return { kind: 'retry', error, message: r.status ? `HTTP ${r.status}: ${errorText(r.body)}` : r.body };
  }

  /** Halves the batch until each refused line stands alone; the rest is written. */
  private async isolate(body: Buffer, lines: number, error: string): Promise<BatchOutcome> {
    if (lines === 1) {
      const line = body.toString('utf8', 0, body.length - 1);
      this.log.debug({ line, error }, 'line refused by InfluxDB');
      return { kind: 'written', written: 0, refused: [{ line, error }] };
    }
    const cut = afterNthNewline(body, lines >> 1);
    const left = await this.writeBatch(body.subarray(0, cut), lines >> 1);
    if (left.kind === 'retry') return left;
    const right = await this.writeBatch(body.subarray(cut), lines - (lines >> 1));
    if (right.kind === 'retry') return right;
    return {
      kind: 'written',
      written: left.written + right.written,
      refused: [...left.refused, ...right.refused],
    };
  }

  /** Aborts requests in flight (their batches stay in the spool). */
  close(): void {
    this.http.close();
  }
}
