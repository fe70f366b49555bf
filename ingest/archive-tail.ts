/**
 * The last record of an archive file, read backwards from its end (daily files grow to gigabytes on a
 * busy coast, and the writer needs only the chain's head to go on after a restart).
 */
import { open, truncate } from 'node:fs/promises';
import { type ArchiveRecord, parseRecordLine } from './archive-record.ts';

const CHUNK_BYTES = 64 * 1024;
const NEWLINE = 10;

export interface LastLine {
  /** The last complete record, when it parses. */
  record?: ArchiveRecord;
  /** Why the last complete line is not a record. */
  error?: string;
  /** Bytes after the last newline (a write cut short by a crash). */
  tornBytes: number;
}

export async function readLastLine(path: string, opts: { cutTornTail: boolean }): Promise<LastLine> {
  const file = await open(path, 'r');
  let size: number;
  let text: string | undefined;
  let tornBytes = 0;
  try {
    size = (await file.stat()).size;
    // Walk back until the buffer holds the last newline and the one before it (or the file's start).
    let start = size;
    let buf = Buffer.alloc(0);
    for (;;) {
      const from = Math.max(0, start - CHUNK_BYTES);
      const chunk = Buffer.allocUnsafe(start - from);
      const { bytesRead } = await file.read(chunk, 0, chunk.length, from);
      buf = Buffer.concat([chunk.subarray(0, bytesRead), buf]);
      start = from;
      const last = buf.lastIndexOf(NEWLINE);
      if (last >= 0) {
        tornBytes = buf.length - last - 1;
        const before = last === 0 ? -1 : buf.lastIndexOf(NEWLINE, last - 1);
        if (before >= 0 || start === 0) {
          text = buf.toString('utf8', before + 1, last);
          break;
        }
      } else if (start === 0) {
        tornBytes = buf.length;
        break;
      }
    }
  } finally {
    await file.close();
  }
  if (tornBytes > 0 && opts.cutTornTail) await truncate(path, size - tornBytes);
  if (text === undefined || text === '') return { tornBytes };
  const parsed = parseRecordLine(text);
  return parsed.ok ? { record: parsed.record, tornBytes } : { error: parsed.error, tornBytes };
}
