/**
 * Drains the spool into InfluxDB. A batch leaves as soon as a write slot is free (up to
 * `influx.maxInFlight`) and committed lines exist, capped at `influx.maxBatchLines`: latency stays low at
 * low rates, and batches grow by themselves at high rates (lines pile up while the slots are busy). A
 * second concurrent write waits for a backlog or a short linger (`lingers`).
 * While InfluxDB fails, one batch at a time probes it after an exponential backoff with jitter; the rest
 * waits on disk, and only the batches in flight are held in memory. The spool cursor moves only over the
 * contiguous prefix of completed batches, so a crash re-sends at most what was in flight.
 */
import type { Logger } from 'pino';
import type { InfluxWriter, RefusedLine } from './influx-writer.ts';
import type { Spool, SpoolPosition } from './spool.ts';
import type { SendRecord } from './spool-record.ts';

export interface DrainerOptions {
  maxInFlight: number;
  maxBatchLines: number;
  /** The longest a committed point waits for the drainer to look again when no commit woke it. */
  flushIntervalMs: number;
  retryMinMs: number;
  retryMaxMs: number;
}

export interface DrainerHooks {
  refused(lines: RefusedLine[]): void;
  influxUp(up: boolean): void;
}

interface Batch {
  start: SpoolPosition;
  end: SpoolPosition;
  lines: number;
  bytes: number;
  body: Buffer;
  done: boolean;
}

const EMPTY = Buffer.alloc(0);

/**
 * While a write is in flight, a second one leaves only for a backlog of this share of a full batch, or
 * once the last one left this long ago: at moderate rates the lines that arrive during one request go
 * out together in the next, instead of one small request per group commit (each costs the event loop
 * an HTTP round of its own).
 */
const CONCURRENT_BATCH_SHARE = 0.1;
const LINGER_MS = 10;

/** Exponential backoff with "equal jitter": half the step fixed, half random; within [min, max]. */
export function backoffMs(failures: number, minMs: number, maxMs: number, random = Math.random): number {
  const step = Math.min(maxMs, minMs * 2 ** Math.min(failures - 1, 30));
  return Math.max(minMs, Math.round(step / 2 + (random() * step) / 2));
}

export class Drainer {
  private next: SpoolPosition;
  /** Batches read and not yet acknowledged to the spool, oldest first. */
  private readonly outstanding: Batch[] = [];
  private readonly retryQueue: Batch[] = [];
  private inFlight = 0;
  private reading = false;
  private stopped = false;
  private failures = 0;
  private retryAt = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private lastSendMs = 0;
  private readonly tick: NodeJS.Timeout;
  private up: boolean | undefined;
  linesSent = 0;
  batchesSent = 0;
  lastError: string | undefined;

  constructor(
    private readonly spool: Spool,
    private readonly writer: InfluxWriter,
    private readonly opts: DrainerOptions,
    private readonly hooks: DrainerHooks,
    private readonly log: Logger,
    private readonly record?: SendRecord,
  ) {
    this.next = spool.position;
    spool.onCommit(this.kick);
    this.tick = setInterval(this.kick, opts.flushIntervalMs);
    this.tick.unref();
  }

  get influxUp(): boolean {
    return this.up === true;
  }

  /** After a failure, one batch probes; the others follow once it succeeds. */
  private slots(): number {
    return this.failures > 0 ? 1 : this.opts.maxInFlight;
  }

  private queueRetry(batch: Batch): void {
    this.retryQueue.push(batch);
    this.retryQueue.sort((a, b) => this.outstanding.indexOf(a) - this.outstanding.indexOf(b));
  }

  /** Something may be sendable: fill the free slots. */
  readonly kick = (): void => {
    if (this.stopped || Date.now() < this.retryAt) return;
    while (this.inFlight < this.slots()) {
      const retry = this.retryQueue.shift();
      if (retry) {
        this.send(retry);
        continue;
      }
      if (!this.reading && !this.lingers()) this.readNext();
      return;
    }
  };

  /** A request is in flight and only a little is waiting: it goes with the next one (see LINGER_MS). */
  private lingers(): boolean {
    if (this.inFlight === 0 || Date.now() - this.lastSendMs >= LINGER_MS) return false;
    let read = 0;
    for (const batch of this.outstanding) read += batch.lines;
    return this.spool.lines - read < this.opts.maxBatchLines * CONCURRENT_BATCH_SHARE;
  }

  private readNext(): void {
    this.reading = true;
    this.spool.read(this.next, this.opts.maxBatchLines).then(
      (chunk) => {
        this.reading = false;
        if (!chunk || this.stopped) return;
        const batch: Batch = { ...chunk, bytes: chunk.body.length, done: false };
        this.next = chunk.end;
        this.outstanding.push(batch);
        // A failure during the read put the drainer in probe mode: the batch waits its turn.
        if (this.inFlight < this.slots() && Date.now() >= this.retryAt) this.send(batch);
        else this.queueRetry(batch);
        this.kick();
      },
      (err: unknown) => {
        this.reading = false;
        if (this.stopped) return;
        this.lastError = `spool read: ${(err as Error).message}`;
        this.log.error({ err }, 'spool read failed');
      },
    );
  }

  private send(batch: Batch): void {
    this.inFlight++;
    this.lastSendMs = Date.now();
    this.writer.writeBatch(batch.body, batch.lines).then((outcome) => {
      this.inFlight--;
      if (this.stopped) return;
      if (outcome.kind === 'retry') {
        this.failures++;
        this.lastError = `${outcome.error}: ${outcome.message}`;
        this.setUp(false, outcome.message);
        this.queueRetry(batch);
        this.scheduleRetry();
        return;
      }
      this.failures = 0;
      this.retryAt = 0;
      this.setUp(true);
      if (outcome.refused.length > 0) this.hooks.refused(outcome.refused);
      this.linesSent += outcome.written;
      this.batchesSent++;
      this.record?.add(batch.start, batch.end);
      batch.done = true;
      batch.body = EMPTY;
      this.advance();
      this.kick();
    });
  }

  private scheduleRetry(): void {
    const delay = backoffMs(this.failures, this.opts.retryMinMs, this.opts.retryMaxMs);
    this.retryAt = Date.now() + delay;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryAt = 0;
      this.kick();
    }, delay);
  }

  /** Acknowledges the contiguous prefix of completed batches to the spool. */
  private advance(): void {
    let lines = 0;
    let bytes = 0;
    let end: SpoolPosition | undefined;
    while (this.outstanding[0]?.done) {
      const b = this.outstanding.shift()!;
      lines += b.lines;
      bytes += b.bytes;
      end = b.end;
    }
    if (end) this.spool.ack(end, lines, bytes);
  }

  private setUp(up: boolean, reason?: string): void {
    if (this.up === up) return;
    this.up = up;
    if (up) this.log.debug('InfluxDB write succeeded');
    else this.log.warn({ reason }, 'InfluxDB write failed: points wait in the spool, retrying with backoff');
    this.hooks.influxUp(up);
  }

  /** Stops sending; batches in flight are abandoned to the spool (a restart sends them again). */
  stop(): void {
    this.stopped = true;
    clearInterval(this.tick);
    clearTimeout(this.retryTimer);
  }
}
