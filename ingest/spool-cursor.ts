/**
 * The spool's read cursor (how far InfluxDB has acknowledged) and what follows from it: the cursor is
 * saved to cursor.json at most every CURSOR_SAVE_MS, and segments wholly before the saved cursor are
 * deleted. The append side (spool.ts) never waits on any of this.
 */
import type { Logger } from 'pino';
import { removeSegment, type SegmentInfo, type SpoolPosition, writeCursor } from './spool-files.ts';
import type { SegmentReader } from './spool-reader.ts';

/** The cursor is saved at most this often: a crash re-sends at most this much more (it overwrites itself). */
const CURSOR_SAVE_MS = 100;

export class SpoolCursor {
  private persisting: Promise<void> | undefined;
  private persistTimer: NodeJS.Timeout | undefined;
  private dirty = false;
  private stopped = false;

  /** `segments`: the spool's live list, oldest first; retired segments are removed from it. */
  constructor(
    private readonly dir: string,
    private readonly log: Logger,
    private readonly segments: SegmentInfo[],
    private readonly reader: SegmentReader,
    private cursor: SpoolPosition,
  ) {}

  /** Where InfluxDB's acknowledgement stands (a copy). */
  get position(): SpoolPosition {
    return { ...this.cursor };
  }

  /** InfluxDB took everything up to `end`: move the cursor and save it soon. */
  advance(end: SpoolPosition): void {
    this.cursor = { ...end };
    this.persistSoon();
  }

  /** A segment was sealed: if the cursor is at its end, saving it lets that segment be deleted. */
  sealed(previous: SegmentInfo): void {
    if (this.cursor.segment === previous.id && this.cursor.offset >= previous.bytes) this.persistSoon();
  }

  private persistSoon(): void {
    if (this.persistTimer || this.stopped) return; // close() saves the cursor itself
    this.persistTimer = setTimeout(() => {
      this.persistTimer = undefined;
      this.save();
    }, CURSOR_SAVE_MS);
    this.persistTimer.unref();
  }

  private save(): void {
    if (this.persisting) {
      this.dirty = true;
      return;
    }
    this.persisting = (async () => {
      do {
        this.dirty = false;
        const c = { ...this.cursor };
        try {
          await writeCursor(this.dir, c);
          await this.retire(c);
        } catch (err) {
          this.log.warn({ err }, 'spool cursor not saved (a restart re-sends, which overwrites itself)');
        }
      } while (this.dirty);
    })().finally(() => {
      this.persisting = undefined;
    });
  }

  /** Deletes segments wholly before the saved cursor; the segment being appended to stays. */
  private async retire(c: SpoolPosition): Promise<void> {
    while (this.segments.length > 1) {
      const first = this.segments[0]!;
      if (!(first.id < c.segment || (first.id === c.segment && c.offset >= first.bytes))) break;
      this.segments.shift();
      await this.reader.forget(first.id);
      await removeSegment(this.dir, first.id);
    }
  }

  /** No more timed saves from now on: the spool is closing and close() saves the cursor once, last. */
  stop(): void {
    this.stopped = true;
  }

  /** Waits for a save in flight, then saves the cursor a last time. */
  async close(): Promise<void> {
    clearTimeout(this.persistTimer);
    this.persistTimer = undefined;
    while (this.persisting) await this.persisting;
    await writeCursor(this.dir, this.cursor).catch((err: unknown) => {
      this.log.warn({ err }, 'spool cursor not saved at close');
    });
  }
}
