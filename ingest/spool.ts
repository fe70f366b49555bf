/**
 * The on-disk spool between the broker and InfluxDB: every accepted point is appended here, and a QoS 1
 * publish is acknowledged only once its lines are fsync'd. Appends are group-committed (group-commit.ts):
 * while one write + fdatasync is in flight the next group accumulates, so a busy hub syncs once per group,
 * not per message. The drainer reads committed lines back (page cache, spool-reader.ts) and acknowledges
 * what InfluxDB took; saving that cursor and deleting sent segments is spool-cursor.ts.
 */
import { close, fdatasync, ftruncate, open, write } from 'node:fs';
import { promisify } from 'node:util';
import type { Logger } from 'pino';
import { lockDirectory } from './dir-lock.ts';
import { spoolBadLine, spoolClosed, spoolFull, spoolIo } from './errors.ts';
import { GroupCommit } from './group-commit.ts';
import { SpoolCursor } from './spool-cursor.ts';
import {
  recoverSpool,
  type SegmentInfo,
  type SpoolPosition,
  segmentPath,
  syncDirectory,
} from './spool-files.ts';
import { SegmentReader, type SpoolChunk } from './spool-reader.ts';

export type { SpoolPosition } from './spool-files.ts';
export type { SpoolChunk } from './spool-reader.ts';

export interface SpoolOptions {
  dir: string;
  /** A segment rolls over before a group would take it past this size. */
  segmentBytes: number;
  /**
   * Cap on the lines not yet in InfluxDB: appends beyond it fail with HUB_ERR_SPOOL_FULL. Sent lines are
   * deleted by whole segments, so the files may hold up to one segment more than this.
   */
  maxBytes: number;
  log: Logger;
}

export type AppendDone = (err: Error | null) => void;

/** One append, as the group commit holds it. */
interface PendingAppend {
  /** Its lines, each ending in '\n'; empty when refused or when there were none. */
  text: string;
  lines: number;
  /** Decided at append time (closed, broken, a bad line, full): the callback gets it whatever the group does. */
  refusal: Error | null;
}

const fsOpen = promisify(open);
const fsClose = promisify(close);
const fsWrite = promisify(write);
const fsSync = promisify(fdatasync);
const fsTruncate = promisify(ftruncate);

function refused(refusal: Error): PendingAppend {
  return { text: '', lines: 0, refusal };
}

export class Spool {
  private readonly group: GroupCommit<PendingAppend>;
  /** The last append of the group just written: once its callback has run, the drainer is woken. */
  private wakeAfter: PendingAppend | undefined;
  /** Characters appended but not yet on disk (counted against maxBytes). */
  private pendingChars = 0;
  private closing = false;
  /** Releases the directory lock (one process per spool). */
  private unlock: () => void = () => {};
  private closePromise: Promise<void> | undefined;
  private broken: Error | undefined;
  private commitListener: () => void = () => {};
  private readonly reader: SegmentReader;
  /** InfluxDB's acknowledgement: saved in the background, and sent segments retired behind it. */
  private readonly cursor: SpoolCursor;
  private avgLineBytes = 128;
  private active: SegmentInfo;
  /** Group commits done (write + fdatasync), for the benchmark and tests. */
  commits = 0;

  private constructor(
    private readonly opts: SpoolOptions,
    private readonly segments: SegmentInfo[],
    cursor: SpoolPosition,
    private unsentLines: number,
    private unsentBytes: number,
    private writeFd: number,
  ) {
    this.active = segments[segments.length - 1]!;
    this.reader = new SegmentReader(opts.dir, segments);
    this.cursor = new SpoolCursor(opts.dir, opts.log, segments, this.reader, cursor);
    this.group = new GroupCommit(
      (appends) => this.commitGroup(appends),
      (err) => opts.log.error({ err }, 'spool append callback threw'),
    );
  }

  /** Recovers the directory (torn tail cut, sent segments dropped) and opens the last segment for append. */
  static async open(opts: SpoolOptions): Promise<Spool> {
    const unlock = lockDirectory(opts.dir);
    try {
      const spool = await Spool.#recover(opts);
      spool.unlock = unlock;
      return spool;
    } catch (err) {
      unlock();
      throw err;
    }
  }

  static async #recover(opts: SpoolOptions): Promise<Spool> {
    const { segments, cursor, unsentLines, unsentBytes } = await recoverSpool(opts.dir, opts.log);
    let last = segments[segments.length - 1];
    if (!last || last.bytes >= opts.segmentBytes) {
      last = { id: last ? last.id + 1 : cursor.segment, bytes: 0, lines: 0 };
      segments.push(last);
    }
    const fd = await fsOpen(segmentPath(opts.dir, last.id), 'a');
    syncDirectory(opts.dir);
    const spool = new Spool(opts, segments, cursor, unsentLines, unsentBytes, fd);
    if (unsentLines > 0)
      opts.log.info({ unsentLines, diskBytes: spool.bytes }, 'spool recovered: draining the backlog first');
    return spool;
  }

  /** Called after each group commit (the drainer's wake-up). */
  onCommit(listener: () => void): void {
    this.commitListener = listener;
  }

  /** Lines without '\n'. `done` runs once they are fsync'd; callbacks run strictly in append order. */
  append(lines: readonly string[], done: AppendDone): void {
    const pending = this.accept(lines);
    this.group.add(pending, (groupErr) => {
      try {
        done(pending.refusal ?? groupErr);
      } catch (err) {
        this.opts.log.error({ err }, 'spool append callback threw');
      }
      // The drainer is woken after every callback of a written group has run (the publishers' acks first).
      if (pending === this.wakeAfter) {
        this.wakeAfter = undefined;
        this.commitListener();
      }
    });
  }

  /** Checks an append and counts its characters as pending, or decides its refusal. */
  private accept(lines: readonly string[]): PendingAppend {
    if (this.closing) return refused(spoolClosed());
    if (this.broken) return refused(this.broken);
    if (lines.length === 0) return { text: '', lines: 0, refusal: null };
    for (const line of lines) {
      if (line.length === 0 || line.includes('\n')) return refused(spoolBadLine(line));
    }
    const text = lines.length === 1 ? `${lines[0]}\n` : `${lines.join('\n')}\n`;
    if (this.unsentBytes + this.pendingChars + text.length > this.opts.maxBytes) {
      return refused(spoolFull(this.unsentBytes + this.pendingChars, this.opts.maxBytes));
    }
    this.pendingChars += text.length;
    return { text, lines: lines.length, refusal: null };
  }

  /** At spool.maxBytes: the broker stops acknowledging QoS 1 publishes. */
  isFull(): boolean {
    return this.unsentBytes + this.pendingChars >= this.opts.maxBytes;
  }

  /** Committed lines InfluxDB has not acknowledged yet. */
  get lines(): number {
    return this.unsentLines;
  }

  /** Bytes not yet in InfluxDB (what counts against maxBytes). */
  get backlogBytes(): number {
    return this.unsentBytes;
  }

  /** Bytes of segment files on disk (a handful of segments: summed when asked). */
  get bytes(): number {
    let sum = 0;
    for (const s of this.segments) sum += s.bytes;
    return sum;
  }

  /** Appends accepted but not yet committed. */
  get pendingAppends(): number {
    return this.group.pending;
  }

  /** Where InfluxDB's acknowledgement stands (the drainer starts reading here). */
  get position(): SpoolPosition {
    return this.cursor.position;
  }

  /** Writes a group's accepted lines in one write + fdatasync; a failure refuses the whole group. */
  private async commitGroup(appends: PendingAppend[]): Promise<void> {
    const texts: string[] = [];
    let chars = 0;
    let lines = 0;
    for (const a of appends) {
      if (a.text.length === 0) continue;
      texts.push(a.text);
      chars += a.text.length;
      lines += a.lines;
    }
    if (chars === 0) return;
    try {
      await this.writeDurably(Buffer.from(texts.length === 1 ? texts[0]! : texts.join(''), 'utf8'), lines);
    } catch (err) {
      this.opts.log.error({ err }, 'spool write failed: the group is refused');
      throw err;
    } finally {
      this.pendingChars -= chars;
    }
    this.wakeAfter = appends[appends.length - 1];
  }

  private async writeDurably(buf: Buffer, lines: number): Promise<void> {
    if (this.active.bytes > 0 && this.active.bytes + buf.length > this.opts.segmentBytes)
      await this.roll().catch((e: unknown) => {
        throw spoolIo('spool segment roll', e);
      });
    try {
      let off = 0;
      while (off < buf.length) {
        const { bytesWritten } = await fsWrite(this.writeFd, buf, off, buf.length - off, null);
        off += bytesWritten;
      }
      await fsSync(this.writeFd);
    } catch (e) {
      // Never leave a partial group behind: cut the file back to what was committed.
      await fsTruncate(this.writeFd, this.active.bytes).catch((te: unknown) => {
        this.broken = spoolIo('spool segment could not be cut back after a failed write', te);
      });
      throw spoolIo('spool write', e);
    }
    this.commits++;
    this.active.bytes += buf.length;
    this.active.lines += lines;
    this.unsentBytes += buf.length;
    this.unsentLines += lines;
    this.avgLineBytes = this.avgLineBytes * 0.9 + (buf.length / lines) * 0.1;
  }

  private async roll(): Promise<void> {
    const previous = this.active;
    const next: SegmentInfo = { id: previous.id + 1, bytes: 0, lines: 0 };
    const fd = await fsOpen(segmentPath(this.opts.dir, next.id), 'a');
    syncDirectory(this.opts.dir);
    const old = this.writeFd;
    this.writeFd = fd;
    this.segments.push(next);
    this.active = next;
    await fsClose(old);
    this.cursor.sealed(previous);
  }

  /**
   * Up to `maxLines` committed lines from `from`, never across a segment boundary; null when nothing is
   * committed there yet. One reader at a time (the drainer).
   */
  read(from: SpoolPosition, maxLines: number): Promise<SpoolChunk | null> {
    return this.reader.read(from, maxLines, this.avgLineBytes);
  }

  /** InfluxDB took everything up to `end` (`lines`, `bytes` more): move the cursor, drop sent segments. */
  ack(end: SpoolPosition, lines: number, bytes: number): void {
    this.unsentLines -= lines;
    this.unsentBytes -= bytes;
    this.cursor.advance(end);
  }

  /** Commits what was appended before, saves the cursor and closes the files. Idempotent. */
  close(): Promise<void> {
    this.closePromise ??= (async () => {
      this.closing = true;
      this.cursor.stop();
      await this.group.idle();
      await this.cursor.close();
      await fsClose(this.writeFd).catch(() => {});
      await this.reader.close();
      this.unlock();
    })();
    return this.closePromise;
  }
}
