/**
 * Reads a recorded NMEA/AIS log into publishable entries with their original times. Times come from,
 * in order: an NMEA 4.10 TAG block `\c:<unix seconds or ms>*hh\` before the sentence, a leading ISO 8601
 * or epoch timestamp (`2024-05-16T23:58:30.000Z $GPRMC,...`), or the sentences themselves (RMC date and
 * time; GGA/GLL time of day on the last RMC date). Untimed lines (VTG, GSV, AIS) take the time of the
 * last timed one. Multi-fragment AIS messages stay together in one entry.
 */

import { dateMs, nearestDayMs, timeOfDayMs } from '../../adapters/nmea/fields.ts';
import { frame, splitLines } from '../../adapters/nmea/framing.ts';

export interface LogEntry {
  /** One sentence, or the fragments of one AIS message, CRLF-joined, without any prefix. */
  payload: string;
  /** Original time, ms since the epoch, when the log says. */
  timeMs?: number;
  /** 1-based line number of the entry's first line. */
  line: number;
}

const TAG_BLOCK = /^\\([^\\]*)\\/;
const LEADING_TIME = /^(\d{4}-\d\d-\d\dT[\d:.]+(?:Z|[+-]\d\d:?\d\d)|\d{10}(?:\.\d+)?|\d{13})[\s,;]+/;

/** `c:` of a TAG block: UNIX seconds (10 digits) or milliseconds (13 digits). */
function tagBlockTime(block: string): number | undefined {
  const body = block.split('*')[0] ?? '';
  for (const param of body.split(',')) {
    const [key, value] = param.split(':');
    if (key === 'c' && value && /^\d+$/.test(value))
      return value.length >= 13 ? Number(value) : Number(value) * 1000;
  }
  return undefined;
}

function leadingTime(text: string): number | undefined {
  if (/^\d{13}$/.test(text)) return Number(text);
  if (/^\d{10}(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

/** A line's sentence and the time its prefix gives, if any. */
function stripPrefix(line: string): { sentence: string; timeMs?: number } {
  let rest = line;
  let timeMs: number | undefined;
  const lead = LEADING_TIME.exec(rest);
  if (lead) {
    timeMs = leadingTime(lead[1]!);
    rest = rest.slice(lead[0].length);
  }
  const tag = TAG_BLOCK.exec(rest);
  if (tag) {
    timeMs = tagBlockTime(tag[1]!) ?? timeMs;
    rest = rest.slice(tag[0].length);
  }
  return { sentence: rest.trim(), ...(timeMs !== undefined ? { timeMs } : {}) };
}

/** The time an RMC/GGA/GLL carries (GGA/GLL need the last RMC date), or undefined. */
function sentenceTime(sentence: string, lastMs: number | undefined): { timeMs?: number; dateMs?: number } {
  const f = frame(sentence);
  if (!f.ok || f.start !== '$') return {};
  const type = f.fields[0]!.slice(-3);
  try {
    if (type === 'RMC' && f.fields[1] && f.fields[9]) {
      const day = dateMs(f.fields[9], 'RMC date');
      return { timeMs: day + timeOfDayMs(f.fields[1], 'RMC time'), dateMs: day };
    }
    const timeField = type === 'GGA' ? f.fields[1] : type === 'GLL' ? f.fields[5] : undefined;
    if (timeField && lastMs !== undefined) {
      // The date that puts the fix nearest the previous timed line (midnight crossings included).
      return { timeMs: nearestDayMs(timeOfDayMs(timeField, `${type} time`), lastMs) };
    }
  } catch {
    // A bad field: the line is replayed as it is, untimed; the hub will dead-letter it.
  }
  return {};
}

/** AIS `!AIVDM,<count>,<number>,...`: the fragment count and number, when the line is one. */
function aisFragment(sentence: string): { count: number; number: number } | undefined {
  const m = /^!AIVD[MO],(\d),(\d),/.exec(sentence);
  return m ? { count: Number(m[1]), number: Number(m[2]) } : undefined;
}

export function parseLog(text: string): LogEntry[] {
  const entries: LogEntry[] = [];
  let lastMs: number | undefined;
  let group: LogEntry | undefined;
  const raw = text.split(/\r?\n/);
  raw.forEach((rawLine, i) => {
    const line = splitLines(rawLine)[0];
    if (!line || line.startsWith('#')) return;
    const { sentence, timeMs: prefixMs } = stripPrefix(line);
    if (!sentence) return;
    const own = prefixMs ?? sentenceTime(sentence, lastMs).timeMs;
    if (own !== undefined) lastMs = own;
    const fragment = aisFragment(sentence);
    if (fragment && fragment.number > 1 && group) {
      group.payload += `\r\n${sentence}`;
      if (fragment.number === fragment.count) group = undefined;
      return;
    }
    const entry: LogEntry = {
      payload: sentence,
      line: i + 1,
      ...(lastMs !== undefined ? { timeMs: lastMs } : {}),
    };
    entries.push(entry);
    group = fragment && fragment.count > 1 ? entry : undefined;
  });
  // Lines before the first timed one go out with it.
  const first = entries.find((e) => e.timeMs !== undefined)?.timeMs;
  if (first !== undefined) for (const e of entries) e.timeMs ??= first;
  return entries;
}
