/**
 * The writer's own record of what InfluxDB acknowledged: one line per written batch naming its exact
 * spool range, `segment:firstLine-endLine firstByte-endByte` (end exclusive). InfluxDB overwrites a point
 * written twice without a trace, so "none twice, none missing" across crashes is proven from this file.
 */
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import type { SpoolPosition } from './spool-files.ts';

export class SendRecord {
  private fd: number;

  constructor(readonly file: string) {
    this.fd = openSync(file, 'a');
  }

  /** Synchronous and small (one short line per batch): the record is test instrumentation. */
  add(start: SpoolPosition, end: SpoolPosition): void {
    if (this.fd < 0) return;
    writeSync(this.fd, `${start.segment}:${start.line}-${end.line} ${start.offset}-${end.offset}\n`);
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}

export interface LineRange {
  segment: number;
  /** First line (index within the segment). */
  from: number;
  /** One past the last line. */
  to: number;
}

export interface RecordAnalysis {
  batches: number;
  /** Lines summed over every recorded batch (a line sent twice counts twice). */
  linesSent: number;
  distinctLines: number;
  duplicateLines: number;
  /** Ranges sent more than once. */
  overlaps: LineRange[];
  /** Ranges never sent between the start of a segment and the last line sent from it. */
  gaps: LineRange[];
}

const RECORD_LINE = /^(\d+):(\d+)-(\d+) (\d+)-(\d+)$/;

export function parseRecord(text: string): LineRange[] {
  const ranges: LineRange[] = [];
  for (const line of text.split('\n')) {
    const m = RECORD_LINE.exec(line);
    if (m) ranges.push({ segment: Number(m[1]), from: Number(m[2]), to: Number(m[3]) });
  }
  return ranges;
}

/** Totals, overlaps and gaps of the ranges in a record file. */
export function analyseRecord(file: string): RecordAnalysis {
  return analyseRanges(parseRecord(readFileSync(file, 'utf8')));
}

export function analyseRanges(ranges: readonly LineRange[]): RecordAnalysis {
  const sorted = [...ranges].sort((a, b) => a.segment - b.segment || a.from - b.from);
  const overlaps: LineRange[] = [];
  const gaps: LineRange[] = [];
  let linesSent = 0;
  let distinctLines = 0;
  let segment = -1;
  let covered = 0; // one past the last line sent so far in `segment`
  for (const r of sorted) {
    linesSent += r.to - r.from;
    if (r.segment !== segment) {
      segment = r.segment;
      covered = 0;
    }
    if (r.from > covered) gaps.push({ segment, from: covered, to: r.from });
    if (r.from < covered) overlaps.push({ segment, from: r.from, to: Math.min(covered, r.to) });
    if (r.to > covered) {
      distinctLines += r.to - Math.max(covered, r.from);
      covered = r.to;
    }
  }
  return {
    batches: ranges.length,
    linesSent,
    distinctLines,
    duplicateLines: linesSent - distinctLines,
    overlaps,
    gaps,
  };
}
