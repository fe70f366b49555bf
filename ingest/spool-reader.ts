/**
 * Reads committed spool lines back for the drainer, straight from the segment files (the page cache
 * holds what was just written). A chunk's body is the exact request body for InfluxDB: no parsing.
 */
import { close, open, read } from 'node:fs';
import { promisify } from 'node:util';
import { spoolIo } from './errors.ts';
import { type SegmentInfo, type SpoolPosition, segmentPath } from './spool-files.ts';

/** Committed lines read back for one InfluxDB batch: `body` is the exact line protocol request body. */
export interface SpoolChunk {
  start: SpoolPosition;
  end: SpoolPosition;
  lines: number;
  body: Buffer;
}

const fsOpen = promisify(open);
const fsClose = promisify(close);
const fsRead = promisify(read);

const MIN_READ_BYTES = 16 * 1024;
const MAX_READ_BYTES = 64 * 1024 * 1024;
const NEWLINE = 10;

export class SegmentReader {
  private fd = -1;
  private fdSegment = -1;

  /** `segments`: the spool's live list, oldest first; the last one is being appended to. */
  constructor(
    private readonly dir: string,
    private readonly segments: readonly SegmentInfo[],
  ) {}

  /** Moves past sealed segments already read to their end. */
  private normalize(pos: SpoolPosition): SpoolPosition {
    let p = pos;
    for (;;) {
      const seg = this.segments.find((s) => s.id === p.segment);
      if (seg && (p.offset < seg.bytes || seg === this.segments[this.segments.length - 1])) return p;
      const next = this.segments.find((s) => s.id > p.segment);
      if (!next) return p;
      p = { segment: next.id, offset: 0, line: 0 };
    }
  }

  /**
   * Up to `maxLines` committed lines from `from`, never across a segment boundary; null when nothing is
   * committed there yet. The read size is sized from the average line length, to read about once.
   */
  async read(from: SpoolPosition, maxLines: number, avgLineBytes: number): Promise<SpoolChunk | null> {
    const start = this.normalize(from);
    const seg = this.segments.find((s) => s.id === start.segment);
    if (!seg) return null;
    const available = seg.bytes - start.offset;
    if (available <= 0) return null;
    const estimate = Math.ceil(avgLineBytes * maxLines * 1.1) + 1024;
    let want = Math.min(available, Math.max(MIN_READ_BYTES, Math.min(MAX_READ_BYTES, estimate)));
    const fd = await this.fdFor(seg.id);
    for (;;) {
      const buf = Buffer.allocUnsafe(want);
      let got = 0;
      while (got < want) {
        const { bytesRead } = await fsRead(fd, buf, got, want - got, start.offset + got);
        if (bytesRead === 0)
          throw spoolIo('spool read', new Error(`segment ${seg.id} is shorter than what was committed`));
        got += bytesRead;
      }
      let lines = 0;
      let end = 0;
      let i = buf.indexOf(NEWLINE);
      while (i >= 0 && i < got && lines < maxLines) {
        lines++;
        end = i + 1;
        i = buf.indexOf(NEWLINE, end);
      }
      if (lines > 0) {
        const stop = { segment: seg.id, offset: start.offset + end, line: start.line + lines };
        return { start, end: stop, lines, body: buf.subarray(0, end) };
      }
      want = Math.min(available, want * 2); // a line longer than the estimate
    }
  }

  private async fdFor(id: number): Promise<number> {
    if (this.fdSegment === id) return this.fd;
    await this.close();
    this.fd = await fsOpen(segmentPath(this.dir, id), 'r');
    this.fdSegment = id;
    return this.fd;
  }

  /** The segment is being deleted: let go of it. */
  async forget(id: number): Promise<void> {
    if (this.fdSegment === id) await this.close();
  }

  async close(): Promise<void> {
    const fd = this.fd;
    this.fd = -1;
    this.fdSegment = -1;
    if (fd >= 0) await fsClose(fd).catch(() => {});
  }
}
