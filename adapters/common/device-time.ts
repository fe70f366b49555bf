/**
 * The `time` of a JSON payload (DESIGN.md "Time"): an ISO 8601 string with its UTC offset, or epoch
 * milliseconds. Checked against the receipt time with `implausibleTime`. Shared by the stations, camera
 * and VMS adapters, so every JSON source reads time the same way.
 */
import { msToNs } from '../../ingest/point.ts';
import { implausibleTime, type TimeLimits } from '../../ingest/time.ts';

export type DeviceTime =
  | { ok: true; ms: number; ns: bigint }
  | { ok: false; reason: 'invalid_payload' | 'implausible_time'; error: string };

// ISO 8601 / RFC 3339 date-time. The offset is required: a zoneless time would have to be guessed as
// UTC or as the gateway's local time (UTC+7 in Hue), and a wrong guess moves every reading by 7 h.
const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?(?:([Zz])|([+-])(\d{2}):?(\d{2}))$/;

const MAX_DATE_MS = 8.64e15;

/** Epoch ms below this (1973-03-03) are most likely epoch seconds sent by mistake. */
const SECONDS_SUSPECT_MS = 1e11;

/** Parses an ISO 8601 date-time with offset to ms and exact ns; null when it is not one. */
export function parseIsoDateTime(text: string): { ms: number; ns: bigint } | null {
  const m = ISO_DATE_TIME.exec(text);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return null;
  // setUTCFullYear, not Date.UTC, which reads years 0..99 as 1900..1999.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  // Dates roll 31 April over to 1 May: a round trip catches impossible days.
  if (date.getUTCDate() !== day) return null;
  const localMs = date.getTime();
  let offsetMin = 0;
  if (!m[8]) {
    const sign = m[9] === '-' ? -1 : 1;
    const offH = Number(m[10]);
    const offM = Number(m[11]);
    if (offH > 23 || offM > 59) return null;
    offsetMin = sign * (offH * 60 + offM);
  }
  const wholeMs = localMs - offsetMin * 60_000;
  const fracNs = BigInt((m[7] ?? '').padEnd(9, '0'));
  return { ms: wholeMs + Number(fracNs) / 1e6, ns: BigInt(wholeMs) * 1_000_000n + fracNs };
}

/**
 * Epoch seconds as a float (Frigate's `frame_time`, `start_time`) to ns. Python's `time.time()` gives
 * microseconds; rounding the float to 6 decimals recovers them exactly instead of float noise.
 */
export function epochSecondsToNs(seconds: number): bigint {
  const [whole = '0', frac = ''] = seconds.toFixed(6).split('.');
  return BigInt(whole) * 1_000_000_000n + BigInt(frac.padEnd(9, '0'));
}

/**
 * `implausibleTime`, made safe for any number: beyond ±8.64e15 ms a Date is invalid (ECMA-262
 * §21.4.1.1) and formatting one for the message would throw.
 */
export function checkTime(ms: number, receivedAtMs: number, limits: TimeLimits): string | null {
  if (!Number.isFinite(ms) || Math.abs(ms) > MAX_DATE_MS) return `time ${ms} ms is outside any calendar date`;
  return implausibleTime(ms, receivedAtMs, limits);
}

/** Reads and checks a payload's `time`: ISO 8601 with offset, or epoch ms. */
export function deviceTime(value: string | number, receivedAtMs: number, limits: TimeLimits): DeviceTime {
  let ms: number;
  let ns: bigint;
  if (typeof value === 'string') {
    const parsed = parseIsoDateTime(value);
    if (!parsed) {
      return {
        ok: false,
        reason: 'invalid_payload',
        error: `time ${JSON.stringify(value.slice(0, 64))} is not an ISO 8601 date-time with a UTC offset (e.g. 2024-06-10T12:00:00Z or +07:00), nor epoch ms`,
      };
    }
    ({ ms, ns } = parsed);
  } else {
    ms = value;
    ns = Math.abs(value) <= MAX_DATE_MS ? msToNs(value) : 0n;
  }
  const problem = checkTime(ms, receivedAtMs, limits);
  if (problem) {
    const hint =
      typeof value === 'number' && Math.abs(value) < SECONDS_SUSPECT_MS
        ? ' (a number is epoch milliseconds: this looks like seconds)'
        : '';
    return { ok: false, reason: 'implausible_time', error: `${problem}${hint}` };
  }
  return { ok: true, ms, ns };
}
