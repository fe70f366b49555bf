/**
 * The spool's files: segments `seg-NNNNNNNNNNNN.log` (newline-terminated line protocol, append-only) and
 * `cursor.json` (how far InfluxDB has acknowledged). Recovery runs once, when the spool opens.
 */
import { closeSync, fsyncSync, openSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, truncate, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';

/** A place in the spool: a byte offset in a segment, and the number of lines before it in that segment. */
export interface SpoolPosition {
  segment: number;
  offset: number;
  line: number;
}

/** What is durably in one segment file (whole lines only). */
export interface SegmentInfo {
  id: number;
  bytes: number;
  lines: number;
}

const SEGMENT_NAME = /^seg-(\d{12})\.log$/;
const CURSOR_FILE = 'cursor.json';
const SCAN_CHUNK_BYTES = 1 << 20;
const NEWLINE = 10;

export function segmentPath(dir: string, id: number): string {
  return join(dir, `seg-${String(id).padStart(12, '0')}.log`);
}

/** fsync of the directory, so that a new segment's name survives a power cut (not only a crash). */
export function syncDirectory(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some filesystems refuse fsync on a directory; the data itself is still synced.
  }
}

async function readCursor(dir: string, log: Logger): Promise<SpoolPosition | undefined> {
  let text: string;
  try {
    text = await readFile(join(dir, CURSOR_FILE), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const c = JSON.parse(text) as Partial<SpoolPosition>;
    if ([c.segment, c.offset, c.line].every((n) => Number.isSafeInteger(n) && (n as number) >= 0))
      return c as SpoolPosition;
  } catch {}
  // A lost cursor only means a re-send, which overwrites itself in InfluxDB.
  log.warn({ dir }, 'spool cursor unreadable: the oldest segment is sent again');
  return undefined;
}

/** Atomic replace (write + rename). Not fsync'd: a cursor lost to a power cut only causes a re-send. */
export async function writeCursor(dir: string, cursor: SpoolPosition): Promise<void> {
  const tmp = join(dir, `${CURSOR_FILE}.tmp`);
  await writeFile(tmp, JSON.stringify(cursor));
  await rename(tmp, join(dir, CURSOR_FILE));
}

interface ScanResult {
  /** Bytes up to and including the last newline. */
  bytes: number;
  lines: number;
  fileBytes: number;
  /** Lines before `boundary`, when `boundary` is 0 or just after a newline; else -1. */
  linesBeforeBoundary: number;
}

/** Counts the whole lines of a segment (memchr speed) and finds where its last whole line ends. */
async function scanSegment(path: string, boundary: number): Promise<ScanResult> {
  const file = await open(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(SCAN_CHUNK_BYTES);
    let base = 0;
    let lines = 0;
    let lastEnd = 0;
    let linesBeforeBoundary = boundary === 0 ? 0 : -1;
    for (;;) {
      const { bytesRead } = await file.read(buf, 0, SCAN_CHUNK_BYTES, base);
      if (bytesRead === 0) break;
      let i = buf.indexOf(NEWLINE, 0);
      while (i >= 0 && i < bytesRead) {
        lines++;
        lastEnd = base + i + 1;
        if (lastEnd === boundary) linesBeforeBoundary = lines;
        i = buf.indexOf(NEWLINE, i + 1);
      }
      base += bytesRead;
    }
    return { bytes: lastEnd, lines, fileBytes: base, linesBeforeBoundary };
  } finally {
    await file.close();
  }
}

export interface RecoveredSpool {
  segments: SegmentInfo[];
  cursor: SpoolPosition;
  /** Lines after the cursor. */
  unsentLines: number;
  /** Bytes after the cursor. */
  unsentBytes: number;
}

/**
 * Opens the directory as left by a previous run (or a crash): drops segments already sent, cuts a torn
 * (unterminated) last line, which was never acknowledged, and checks the cursor against the files.
 */
export async function recoverSpool(dir: string, log: Logger): Promise<RecoveredSpool> {
  await mkdir(dir, { recursive: true });
  const ids = (await readdir(dir))
    .map((name) => SEGMENT_NAME.exec(name)?.[1])
    .filter((id): id is string => id !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
  const saved = await readCursor(dir, log);
  const segments: SegmentInfo[] = [];
  let cursor: SpoolPosition | undefined;
  for (const id of ids) {
    const path = segmentPath(dir, id);
    if (saved && id < saved.segment) {
      await unlink(path); // fully sent before the cursor moved on
      continue;
    }
    const boundary = saved && id === saved.segment ? saved.offset : 0;
    const scan = await scanSegment(path, boundary);
    if (scan.fileBytes !== scan.bytes) {
      log.warn({ segment: id, droppedBytes: scan.fileBytes - scan.bytes }, 'spool: torn last line cut');
      await truncate(path, scan.bytes);
    }
    segments.push({ id, bytes: scan.bytes, lines: scan.lines });
    if (saved && id === saved.segment) {
      if (scan.linesBeforeBoundary >= 0)
        cursor = { segment: id, offset: saved.offset, line: scan.linesBeforeBoundary };
      else
        log.warn(
          { segment: id, offset: saved.offset },
          'spool cursor not on a line boundary: segment re-sent',
        );
    }
  }
  const first = segments[0];
  // No usable cursor: start at the oldest segment kept; with none, number the next one after the cursor's.
  cursor ??= { segment: first ? first.id : (saved?.segment ?? 0) + 1, offset: 0, line: 0 };
  let unsentLines = -cursor.line;
  let unsentBytes = -cursor.offset;
  for (const s of segments) {
    if (s.id < cursor.segment) continue;
    unsentLines += s.lines;
    unsentBytes += s.bytes;
  }
  return { segments, cursor, unsentLines, unsentBytes };
}

export async function removeSegment(dir: string, id: number): Promise<void> {
  await unlink(segmentPath(dir, id));
}
