/**
 * `hub archive verify`: walks every daily file in order and checks each record's hash (an edit), the
 * `seq` sequence (a gap: records or whole files removed), the `prev` links (a record replaced, or hashes
 * recomputed from some point on) and the saved head (records cut off the end). What a local check cannot
 * catch is a chain rewritten wholesale from an edit to its end together with head.json: for that, anchor
 * the head hash elsewhere (the audit log gets one per sealed daily file; print it into the case file).
 */
import { createReadStream } from 'node:fs';
import { open, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { HEAD_FILE } from './archive.ts';
import { ARCHIVE_FILE, GENESIS_HASH, parseRecordLine } from './archive-record.ts';

export type ProblemKind =
  | 'edited'
  | 'gap'
  | 'broken_chain'
  | 'out_of_order'
  | 'unreadable'
  | 'torn_line'
  | 'missing_start'
  | 'truncated'
  | 'head_mismatch';

export interface ArchiveProblem {
  kind: ProblemKind;
  file: string;
  /** 1-based line in `file`. */
  line?: number;
  seq?: number;
  detail: string;
}

export interface VerifyReport {
  ok: boolean;
  dir: string;
  files: number;
  records: number;
  firstSeq: number | null;
  lastSeq: number | null;
  /** Hash of the last record: quote it to anchor the archive's state at this moment. */
  lastHash: string | null;
  problems: ArchiveProblem[];
  /** Problems beyond the first `maxProblems`, not listed. */
  moreProblems: number;
  /** A partial last line in the newest file: a write in progress, or a crash the hub cuts at next start. */
  warnings: string[];
}

interface Head {
  seq: number;
  hash: string;
}

async function readHead(dir: string): Promise<Head | undefined> {
  try {
    const head = JSON.parse(await readFile(join(dir, HEAD_FILE), 'utf8')) as Partial<Head>;
    if (Number.isSafeInteger(head.seq) && typeof head.hash === 'string') return head as Head;
  } catch {}
  return undefined;
}

async function endsWithNewline(path: string): Promise<boolean> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    if (size === 0) return true;
    const buf = Buffer.alloc(1);
    await file.read(buf, 0, 1, size - 1);
    return buf[0] === 10;
  } finally {
    await file.close();
  }
}

export async function verifyArchive(dir: string, opts: { maxProblems?: number } = {}): Promise<VerifyReport> {
  const maxProblems = opts.maxProblems ?? 100;
  const files = (await readdir(dir)).filter((n) => ARCHIVE_FILE.test(n)).sort();
  const head = await readHead(dir);
  const report: VerifyReport = {
    ok: true,
    dir,
    files: files.length,
    records: 0,
    firstSeq: null,
    lastSeq: null,
    lastHash: null,
    problems: [],
    moreProblems: 0,
    warnings: [],
  };
  const problem = (p: ArchiveProblem) => {
    report.ok = false;
    if (report.problems.length < maxProblems) report.problems.push(p);
    else report.moreProblems++;
  };
  let resync = false;
  let headChecked = false;

  for (const [index, file] of files.entries()) {
    const path = join(dir, file);
    const complete = await endsWithNewline(path);
    const isLast = index === files.length - 1;
    const lines = createInterface({
      input: createReadStream(path, 'utf8'),
      crlfDelay: Number.POSITIVE_INFINITY,
    });
    let lineNo = 0;
    let pendingTorn: string | undefined;
    for await (const text of lines) {
      lineNo++;
      if (pendingTorn !== undefined) pendingTorn = undefined;
      const parsed = parseRecordLine(text);
      if (!parsed.ok) {
        // The last line of a file without a final newline is a torn write, judged after the loop.
        pendingTorn = parsed.error;
        if (complete) problem({ kind: 'unreadable', file, line: lineNo, detail: parsed.error });
        resync = true;
        continue;
      }
      const { record, computedHash } = parsed;
      report.records++;
      if (computedHash !== record.hash)
        problem({
          kind: 'edited',
          file,
          line: lineNo,
          seq: record.seq,
          detail: 'content does not match its hash',
        });
      if (report.lastSeq === null) {
        report.firstSeq = record.seq;
        if (record.seq !== 1)
          problem({
            kind: 'missing_start',
            file,
            line: lineNo,
            seq: record.seq,
            detail: `the archive starts at record ${record.seq}: records 1..${record.seq - 1} are missing`,
          });
        else if (record.prev !== GENESIS_HASH)
          problem({
            kind: 'broken_chain',
            file,
            line: lineNo,
            seq: 1,
            detail: 'the first record does not start the chain',
          });
      } else if (!resync) {
        const expected = report.lastSeq + 1;
        if (record.seq > expected)
          problem({
            kind: 'gap',
            file,
            line: lineNo,
            seq: record.seq,
            detail: `records ${expected}..${record.seq - 1} are missing`,
          });
        else if (record.seq < expected)
          problem({
            kind: 'out_of_order',
            file,
            line: lineNo,
            seq: record.seq,
            detail: `record ${record.seq} after record ${report.lastSeq}`,
          });
        else if (record.prev !== report.lastHash)
          problem({
            kind: 'broken_chain',
            file,
            line: lineNo,
            seq: record.seq,
            detail: 'does not follow the record before it (a record replaced, or hashes recomputed)',
          });
      }
      resync = false;
      if (head && record.seq === head.seq) {
        headChecked = true;
        if (record.hash !== head.hash)
          problem({
            kind: 'head_mismatch',
            file,
            line: lineNo,
            seq: record.seq,
            detail: 'differs from the saved head',
          });
      }
      report.lastSeq = record.seq;
      report.lastHash = record.hash;
    }
    if (!complete) {
      const detail = `a partial last line (${pendingTorn ?? 'incomplete record'})`;
      if (isLast) report.warnings.push(`${file}: ${detail}: a write in progress, or cut at the next start`);
      else problem({ kind: 'torn_line', file, line: lineNo, detail });
    }
  }
  if (head && !headChecked && (report.lastSeq ?? 0) < head.seq)
    problem({
      kind: 'truncated',
      file: files[files.length - 1] ?? '(none)',
      seq: head.seq,
      detail: `the saved head is record ${head.seq} but the archive ends at ${report.lastSeq ?? 'nothing'}`,
    });
  return report;
}
