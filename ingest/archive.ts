/**
 * The evidence archive writer: every raw vessel message (NMEA, AIS, VMS) is appended, hash-chained
 * (archive-record.ts), to a daily file and fsync'd before the publisher's PUBACK, group-committed like the
 * spool. Files are only ever appended to; the hub never deletes them (retention ≥ 36 months is the
 * operator's, by archiving whole daily files). `hub archive verify` (archive-verify.ts) checks the chain.
 */
import { close, fdatasync, fstat, ftruncate, open, write } from 'node:fs';
import { mkdir, readdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Logger } from 'pino';
import {
  ARCHIVE_FILE,
  type ArchiveMessage,
  archiveFileName,
  encodeRecord,
  GENESIS_HASH,
} from './archive-record.ts';
import { readLastLine } from './archive-tail.ts';
import { type CommitDone, GroupCommit } from './group-commit.ts';
import { syncDirectory } from './spool-files.ts';

export const HEAD_FILE = 'head.json';

const fsOpen = promisify(open);
const fsClose = promisify(close);
const fsWrite = promisify(write);
const fsSync = promisify(fdatasync);
const fsStat = promisify(fstat);
const fsTruncate = promisify(ftruncate);

export interface ArchiveOptions {
  dir: string;
  log: Logger;
  /** A daily file was closed for good: its last record (for anchoring, e.g. in the audit log). */
  onSeal?(sealed: { file: string; seq: number; hash: string }): void;
}

export interface ArchiveHead {
  seq: number;
  hash: string;
  file: string;
}

export class EvidenceArchive {
  readonly #opts: ArchiveOptions;
  readonly #group: GroupCommit<ArchiveMessage>;
  #seq: number;
  #hash: string;
  #file: string;
  #fd = -1;
  #bytes = 0;
  #headTimer: NodeJS.Timeout | undefined;
  #closing: Promise<void> | undefined;

  private constructor(opts: ArchiveOptions, head: ArchiveHead) {
    this.#opts = opts;
    this.#seq = head.seq;
    this.#hash = head.hash;
    this.#file = head.file;
    this.#group = new GroupCommit(
      (items) => this.#commit(items),
      (err) => opts.log.error({ err }, 'archive append callback threw'),
    );
  }

  /** Recovers the chain's head from the newest file (a torn last line, never acknowledged, is cut). */
  static async open(opts: ArchiveOptions): Promise<EvidenceArchive> {
    await mkdir(opts.dir, { recursive: true });
    const files = (await readdir(opts.dir)).filter((n) => ARCHIVE_FILE.test(n)).sort();
    let head: ArchiveHead = { seq: 0, hash: GENESIS_HASH, file: '' };
    for (let i = files.length - 1; i >= 0; i--) {
      const file = files[i] as string;
      const last = await readLastLine(join(opts.dir, file), { cutTornTail: i === files.length - 1 });
      if (last.tornBytes > 0)
        opts.log.warn(
          { file, droppedBytes: last.tornBytes },
          'archive: torn last record cut (never acknowledged)',
        );
      if (last.record) {
        head = { seq: last.record.seq, hash: last.record.hash, file: files[files.length - 1] as string };
        break;
      }
      if (last.error) {
        throw new Error(
          `archive ${file}: its last record is unreadable (${last.error}); run \`hub archive verify\` before starting`,
        );
      }
    }
    if (head.file === '' && files.length > 0) head.file = files[files.length - 1] as string;
    opts.log.info({ dir: opts.dir, seq: head.seq }, 'evidence archive open');
    return new EvidenceArchive(opts, head);
  }

  /** `done` once the record is fsync'd (the publisher's PUBACK waits for it). */
  append(message: ArchiveMessage, done: CommitDone): void {
    if (this.#closing) {
      done(new Error('archive closed'));
      return;
    }
    this.#group.add(message, done);
  }

  get head(): ArchiveHead {
    return { seq: this.#seq, hash: this.#hash, file: this.#file };
  }

  get commits(): number {
    return this.#group.commits;
  }

  async #commit(items: ArchiveMessage[]): Promise<void> {
    // Runs of consecutive records that go to one daily file; the file name never goes backwards, so a
    // clock stepping back cannot reorder the chain across files.
    let i = 0;
    while (i < items.length) {
      const file = this.#fileFor(items[i] as ArchiveMessage);
      const lines: string[] = [];
      let seq = this.#seq;
      let hash = this.#hash;
      while (i < items.length && this.#fileFor(items[i] as ArchiveMessage) === file) {
        const encoded = encodeRecord(++seq, hash, items[i] as ArchiveMessage);
        lines.push(encoded.line);
        hash = encoded.hash;
        i++;
      }
      await this.#writeDurably(file, Buffer.from(`${lines.join('\n')}\n`, 'utf8'));
      this.#seq = seq;
      this.#hash = hash;
    }
    this.#scheduleHead();
  }

  #fileFor(message: ArchiveMessage): string {
    const name = archiveFileName(message.receivedAtMs);
    if (name > this.#file) return name; // ISO dates compare as strings
    return this.#file;
  }

  async #writeDurably(file: string, buf: Buffer): Promise<void> {
    if (file !== this.#file || this.#fd < 0) await this.#switchTo(file);
    try {
      let off = 0;
      while (off < buf.length) {
        const { bytesWritten } = await fsWrite(this.#fd, buf, off, buf.length - off, null);
        off += bytesWritten;
      }
      await fsSync(this.#fd);
    } catch (err) {
      // Never leave part of a group behind: its records were not acknowledged and the chain goes on
      // from the last committed one.
      await fsTruncate(this.#fd, this.#bytes).catch(() => {});
      throw new Error(`archive write failed: ${(err as Error).message}`, { cause: err });
    }
    this.#bytes += buf.length;
  }

  async #switchTo(file: string): Promise<void> {
    const previous = this.#file;
    if (this.#fd >= 0) await fsClose(this.#fd).catch(() => {});
    this.#fd = await fsOpen(join(this.#opts.dir, file), 'a');
    this.#bytes = (await fsStat(this.#fd)).size;
    syncDirectory(this.#opts.dir); // the new file's name survives a power cut
    this.#file = file;
    if (previous && previous !== file && this.#seq > 0)
      this.#opts.onSeal?.({ file: previous, seq: this.#seq, hash: this.#hash });
  }

  #headSave: Promise<void> = Promise.resolve();

  /** head.json: the last committed record, for `verify` to notice a cut-off tail. Saved at most once a second. */
  #scheduleHead(): void {
    if (this.#headTimer) return;
    this.#headTimer = setTimeout(() => {
      this.#headTimer = undefined;
      void this.#saveHead();
    }, 1000);
    this.#headTimer.unref();
  }

  /** Saves run one after another (a timer's save and close()'s would race on the same temp file). */
  #saveHead(): Promise<void> {
    this.#headSave = this.#headSave.then(async () => {
      const tmp = join(this.#opts.dir, `${HEAD_FILE}.tmp`);
      try {
        await writeFile(tmp, `${JSON.stringify(this.head)}\n`);
        await rename(tmp, join(this.#opts.dir, HEAD_FILE));
      } catch (err) {
        this.#opts.log.warn({ err }, 'archive head not saved');
      }
    });
    return this.#headSave;
  }

  /** Commits what was appended, saves the head, closes the file. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      await this.#group.idle();
      clearTimeout(this.#headTimer);
      this.#headTimer = undefined;
      if (this.#seq > 0) await this.#saveHead();
      if (this.#fd >= 0) await fsClose(this.#fd).catch(() => {});
      this.#fd = -1;
    })();
    return this.#closing;
  }
}

/** The sources whose raw messages are evidence: NMEA and VMS from vessels, AIS from shore receivers. */
export const ARCHIVED_SOURCES: ReadonlySet<string> = new Set(['nmea', 'vms', 'ais']);

/**
 * Archives a vessel message at receipt (once, even if its ingest must wait for spool space and run again)
 * and returns a wrapper for the publisher's `done`: the PUBACK then waits for the archive record too.
 * Other sources, or no archive: `done` unchanged.
 */
export function archiveReceipt(
  archive: EvidenceArchive | undefined,
  source: string,
  message: ArchiveMessage,
): (done: (err: Error | null) => void) => (err?: Error | null) => void {
  if (!archive || !ARCHIVED_SOURCES.has(source)) return (done) => (err) => done(err ?? null);
  // Plain data, not closures: this runs per vessel message, and tsx names every named closure it makes.
  let archived: { err: Error | null } | undefined;
  let waiting: { done: (err: Error | null) => void; err: Error | null } | undefined;
  archive.append(message, (err) => {
    archived = { err };
    if (waiting) waiting.done(waiting.err ?? err);
  });
  return (done) => (err) => {
    if (archived) done(err ?? archived.err ?? null);
    else waiting = { done, err: err ?? null };
  };
}
