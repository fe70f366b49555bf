/**
 * Strict parsers for the NMEA 0183 field formats the hub reads. Hot path (~30k messages/s): charCode
 * loops, no regular expression per field. An empty field is `undefined` ("not given"); anything else
 * that is not the format throws NmeaFieldError, which the decoder turns into a `bad_field` reject.
 * `what` names the field in the error, e.g. `RMC latitude (field 3)`.
 */
import { NmeaFieldError } from './errors.ts';

const ZERO = 48;
const NINE = 57;
const DOT = 46;
const DAY_MS = 86_400_000;
const MS_PER_DECIMAL = [100, 10, 1] as const;

function isDigit(code: number): boolean {
  return code >= ZERO && code <= NINE;
}

function fail(what: string, value: string, expected: string): never {
  throw new NmeaFieldError(`${what} "${value}" is not ${expected}`);
}

/** Value of the digits s[from, to); the caller has checked they are digits. */
function digitsValue(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) n = n * 10 + (s.charCodeAt(i) - ZERO);
  return n;
}

/** Index of the decimal point, s.length when there is none, -1 when s is not `digits[.digits]`. */
function unsignedDecimalDot(s: string): number {
  let dot = s.length;
  let digits = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (isDigit(c)) digits++;
    else if (c === DOT && dot === s.length) dot = i;
    else return -1;
  }
  return digits > 0 ? dot : -1;
}

/** Unsigned decimal such as `000.5` or `054.7`; `undefined` when empty. */
export function decimal(s: string, what: string): number | undefined {
  if (s.length === 0) return undefined;
  if (unsignedDecimalDot(s) < 0) fail(what, s, 'an unsigned decimal number');
  return Number(s);
}

/** Unsigned integer such as `08`; `undefined` when empty. */
export function integer(s: string, what: string): number | undefined {
  if (s.length === 0) return undefined;
  if (s.length > 9) fail(what, s, 'an integer of at most 9 digits');
  for (let i = 0; i < s.length; i++) if (!isDigit(s.charCodeAt(i))) fail(what, s, 'an unsigned integer');
  return digitsValue(s, 0, s.length);
}

/**
 * NMEA 0183 latitude `ddmm.mmmm` / longitude `dddmm.mmmm`: whole degrees, then two digits of whole
 * minutes, then the decimal minutes. The minutes are parsed as one decimal number so nothing is
 * rounded beyond float64 (4916.45 → 49 + 16.45/60).
 */
function coordinate(s: string, maxDegreeDigits: number, limit: number, what: string): number {
  const expected = maxDegreeDigits === 2 ? 'ddmm.mmmm' : 'dddmm.mmmm';
  const dot = unsignedDecimalDot(s);
  // At least one degree digit and exactly two digits of whole minutes before the point.
  if (dot < 3 || dot - 2 > maxDegreeDigits) fail(what, s, expected);
  const degrees = digitsValue(s, 0, dot - 2);
  const minutes = Number(s.slice(dot - 2));
  if (minutes >= 60) fail(what, s, `${expected} with minutes below 60`);
  const value = degrees + minutes / 60;
  if (value > limit) fail(what, s, `within ±${limit}°`);
  return value;
}

/**
 * A latitude and its N/S indicator, south negative; `undefined` when both fields are empty
 * (a receiver without a fix leaves them empty).
 */
export function latitude(value: string, hemisphere: string, what: string): number | undefined {
  if (value.length === 0 && hemisphere.length === 0) return undefined;
  const deg = coordinate(value, 2, 90, what);
  if (hemisphere === 'N') return deg;
  if (hemisphere === 'S') return -deg;
  return fail(`${what} hemisphere`, hemisphere, 'N or S');
}

/** A longitude and its E/W indicator, west negative; `undefined` when both fields are empty. */
export function longitude(value: string, hemisphere: string, what: string): number | undefined {
  if (value.length === 0 && hemisphere.length === 0) return undefined;
  const deg = coordinate(value, 3, 180, what);
  if (hemisphere === 'E') return deg;
  if (hemisphere === 'W') return -deg;
  return fail(`${what} hemisphere`, hemisphere, 'E or W');
}

/**
 * UTC time of day `hhmmss` with optional decimal seconds (`225446.33`), in ms since midnight, rounded
 * to the millisecond. Second 60 is a leap second (UTC), which lands on the next second.
 */
export function timeOfDayMs(s: string, what: string): number {
  if (s.length < 6) fail(what, s, 'hhmmss.ss');
  for (let i = 0; i < 6; i++) if (!isDigit(s.charCodeAt(i))) fail(what, s, 'hhmmss.ss');
  let ms = 0;
  if (s.length > 6) {
    if (s.charCodeAt(6) !== DOT) fail(what, s, 'hhmmss.ss');
    for (let i = 7; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (!isDigit(c)) fail(what, s, 'hhmmss.ss');
      const place = i - 7; // 0 = tenths, 1 = hundredths, 2 = thousandths
      if (place < 3) ms += (c - ZERO) * MS_PER_DECIMAL[place]!;
      else if (place === 3 && c - ZERO >= 5) ms += 1; // round half up to the millisecond
    }
  }
  const hh = digitsValue(s, 0, 2);
  const mm = digitsValue(s, 2, 4);
  const ss = digitsValue(s, 4, 6);
  if (hh > 23 || mm > 59 || ss > 60) fail(what, s, 'a time of day');
  return ((hh * 60 + mm) * 60 + ss) * 1000 + ms;
}

/**
 * NMEA 0183 RMC field 9: date `ddmmyy`, as ms of UTC midnight. The two-digit year pivots at 80:
 * 00–79 → 2000–2079, 80–99 → 1980–1999 (GPS time starts in 1980).
 */
export function dateMs(s: string, what: string): number {
  if (s.length !== 6) fail(what, s, 'ddmmyy');
  for (let i = 0; i < 6; i++) if (!isDigit(s.charCodeAt(i))) fail(what, s, 'ddmmyy');
  const day = digitsValue(s, 0, 2);
  const month = digitsValue(s, 2, 4);
  const yy = digitsValue(s, 4, 6);
  const year = yy < 80 ? 2000 + yy : 1900 + yy;
  const ms = Date.UTC(year, month - 1, day);
  // Date.UTC rolls 31 April over into May: a day that does not exist in its month is not a date.
  if (month < 1 || month > 12 || day < 1 || new Date(ms).getUTCDate() !== day) fail(what, s, 'a date');
  return ms;
}

/**
 * The instant `timeOfDay` (ms since midnight UTC) nearest `receivedMs`, trying the previous, the same and
 * the next UTC day (DESIGN.md "Time": a fix at 23:59:59 received at 00:00:02 belongs to the previous day).
 */
export function nearestDayMs(timeOfDay: number, receivedMs: number): number {
  const sameDay = Math.floor(receivedMs / DAY_MS) * DAY_MS + timeOfDay;
  const previousDay = sameDay - DAY_MS;
  const nextDay = sameDay + DAY_MS;
  let best = sameDay;
  if (Math.abs(previousDay - receivedMs) < Math.abs(best - receivedMs)) best = previousDay;
  if (Math.abs(nextDay - receivedMs) < Math.abs(best - receivedMs)) best = nextDay;
  return best;
}
