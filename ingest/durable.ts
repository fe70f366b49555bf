/**
 * The durable ingest path as the pipeline sees it: append (fsync'd, group-committed) → spool on disk →
 * batched writes to InfluxDB. Nothing accepted is dropped while InfluxDB is down or slow: the spool grows
 * on disk up to `spool.maxBytes` (then `isFull()`: the broker stops acknowledging QoS 1), writing resumes
 * by itself, and after a restart the spool left behind drains first.
 */
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { SpoolConfigSchema } from '../config/schema.ts';
import { Drainer } from './drainer.ts';
import { type InfluxConfig, InfluxWriter } from './influx-writer.ts';
import { type AppendDone, Spool } from './spool.ts';
import { SendRecord } from './spool-record.ts';

export type SpoolConfig = z.infer<typeof SpoolConfigSchema>;
export type { InfluxConfig } from './influx-writer.ts';

export interface DurableHooks {
  /** After each successful write request; `ms` = its duration. */
  written(lines: number, ms: number): void;
  /** A failed attempt that will be retried: 'network' | 'timeout' | 'status_5xx' | 'status_429' | ... */
  writeError(kind: string): void;
  /** Lines InfluxDB refused (400) after isolation; the caller dead-letters them. */
  rejected(lines: string[], error: string): void;
  /** Reachability changes. */
  influxUp(up: boolean): void;
}

export interface DurableOptions {
  spool: SpoolConfig;
  influx: InfluxConfig & { url: string };
  log: Logger;
  hooks: DurableHooks;
  /** The writer's record of every batch written (spool ranges), for crash tests: see spool-record.ts. */
  recordFile?: string;
}

export interface DurableStats {
  /** Lines on disk that InfluxDB has not acknowledged yet. */
  spoolLines: number;
  /** Bytes of spool files on disk (what counts against spool.maxBytes). */
  spoolBytes: number;
  /** Lines InfluxDB accepted (refused ones excluded), each spool line counted once per write. */
  linesSent: number;
  batchesSent: number;
  influxUp: boolean;
  lastError?: string;
}

/** Waiting for CREATE DATABASE at start is bounded: an unreachable server must not hold the hub. */
const ENSURE_AT_OPEN_MS = 2000;

/** A hook that throws must not stall the drainer: it is logged instead. */
function guarded(hooks: DurableHooks, log: Logger): DurableHooks {
  const guard =
    <A extends unknown[]>(name: string, fn: (...args: A) => void) =>
    (...args: A) => {
      try {
        fn(...args);
      } catch (err) {
        log.error({ err, hook: name }, 'durable writer hook threw');
      }
    };
  return {
    written: guard('written', hooks.written.bind(hooks)),
    writeError: guard('writeError', hooks.writeError.bind(hooks)),
    rejected: guard('rejected', hooks.rejected.bind(hooks)),
    influxUp: guard('influxUp', hooks.influxUp.bind(hooks)),
  };
}

export class DurableWriter {
  private closePromise: Promise<void> | undefined;

  private constructor(
    private readonly spool: Spool,
    private readonly writer: InfluxWriter,
    private readonly drainer: Drainer,
    private readonly record: SendRecord | undefined,
  ) {}

  static async open(opts: DurableOptions): Promise<DurableWriter> {
    const log = opts.log;
    const hooks = guarded(opts.hooks, log);
    const spool = await Spool.open({ ...opts.spool, log });
    const writer = new InfluxWriter(opts.influx, log, hooks);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      writer.ensureDatabase(),
      new Promise<void>((res) => {
        timer = setTimeout(res, ENSURE_AT_OPEN_MS);
      }),
    ]);
    clearTimeout(timer);
    const record = opts.recordFile ? new SendRecord(opts.recordFile) : undefined;
    const drainer = new Drainer(
      spool,
      writer,
      opts.influx,
      {
        refused: (lines) => {
          for (const { line, error } of lines) hooks.rejected([line], error);
        },
        influxUp: hooks.influxUp,
      },
      log,
      record,
    );
    drainer.kick(); // the spool left by a previous run drains first
    return new DurableWriter(spool, writer, drainer, record);
  }

  /** `lines`: line protocol without '\n'. `done` once fsync'd; callbacks strictly in append order. */
  append(lines: readonly string[], done: AppendDone): void {
    this.spool.append(lines, done);
  }

  /** At spool.maxBytes: stop acknowledging QoS 1 publishes. */
  isFull(): boolean {
    return this.spool.isFull();
  }

  stats(): DurableStats {
    const s: DurableStats = {
      spoolLines: this.spool.lines,
      spoolBytes: this.spool.bytes,
      linesSent: this.drainer.linesSent,
      batchesSent: this.drainer.batchesSent,
      influxUp: this.drainer.influxUp,
    };
    if (this.drainer.lastError !== undefined) s.lastError = this.drainer.lastError;
    return s;
  }

  /** Waits until every appended line is in InfluxDB, or the timeout; true when the spool is empty. */
  async flush(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    const drained = () => this.spool.lines === 0 && this.spool.pendingAppends === 0;
    while (!drained() && Date.now() < deadline && !this.closePromise) {
      this.drainer.kick();
      await new Promise((r) => setTimeout(r, Math.min(10, Math.max(1, deadline - Date.now()))));
    }
    return drained();
  }

  /** Stops draining (batches in flight stay in the spool), commits pending appends, saves the cursor. */
  close(): Promise<void> {
    this.closePromise ??= (async () => {
      this.drainer.stop();
      this.writer.close();
      await this.spool.close();
      this.record?.close();
    })();
    return this.closePromise;
  }
}
