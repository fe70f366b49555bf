/**
 * NMEA 0183 encoders for the simulators: one sentence each, with its checksum, without the CRLF.
 * The output is what common receivers send (u-blox style field widths), so the decoder reads it back.
 */
import { withChecksum } from './framing.ts';

const DAY_MS = 86_400_000;
const MINUTE_UNITS = 100_000; // minutes are written with five decimals (≈ 2 cm)

export interface RmcInput {
  timeMs: number;
  lat: number;
  lon: number;
  sogKn: number;
  cogDeg: number;
  talker?: string;
  /** false = status V (no fix): the position, speed and course fields are left empty. */
  valid?: boolean;
}

export interface GgaInput {
  timeMs: number;
  lat: number;
  lon: number;
  /** GGA quality, 0 = no fix (default 1, GPS fix). */
  fix?: number;
  sats?: number;
  hdop?: number;
  altitudeM?: number;
  talker?: string;
}

export interface GllInput {
  timeMs: number;
  lat: number;
  lon: number;
  talker?: string;
}

export interface VtgInput {
  cogDeg: number;
  sogKn: number;
  talker?: string;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** `hhmmss.ss` (or `hhmmss.sss` when the time has sub-centisecond digits), UTC. */
function timeOfDay(timeMs: number): string {
  const ms = ((Math.round(timeMs) % DAY_MS) + DAY_MS) % DAY_MS;
  const seconds = Math.floor(ms / 1000);
  const hhmmss = `${pad(Math.floor(seconds / 3600), 2)}${pad(Math.floor(seconds / 60) % 60, 2)}${pad(seconds % 60, 2)}`;
  const frac = ms % 1000;
  return frac % 10 === 0 ? `${hhmmss}.${pad(frac / 10, 2)}` : `${hhmmss}.${pad(frac, 3)}`;
}

/** NMEA 0183 RMC field 9: `ddmmyy`; the decoder pivots the year at 80, so 1980-2079 round-trip. */
function date(timeMs: number): string {
  const d = new Date(timeMs);
  const year = d.getUTCFullYear();
  if (year < 1980 || year > 2079) throw new RangeError(`RMC cannot carry the year ${year} (1980-2079)`);
  return `${pad(d.getUTCDate(), 2)}${pad(d.getUTCMonth() + 1, 2)}${pad(year % 100, 2)}`;
}

/** `ddmm.mmmmm` / `dddmm.mmmmm` and the hemisphere letter. */
function coordinate(value: number, degreeDigits: number, positive: string, negative: string): string {
  const units = Math.round(Math.abs(value) * 60 * MINUTE_UNITS); // rounding carries into the degrees
  const degrees = Math.floor(units / (60 * MINUTE_UNITS));
  const minuteUnits = units - degrees * 60 * MINUTE_UNITS;
  const minutes = `${pad(Math.floor(minuteUnits / MINUTE_UNITS), 2)}.${pad(minuteUnits % MINUTE_UNITS, 5)}`;
  return `${pad(degrees, degreeDigits)}${minutes},${value < 0 ? negative : positive}`;
}

function lat(value: number): string {
  return coordinate(value, 2, 'N', 'S');
}

function lon(value: number): string {
  return coordinate(value, 3, 'E', 'W');
}

function speed(kn: number): string {
  return Math.max(0, kn).toFixed(1);
}

function course(deg: number): string {
  const rounded = Math.round((((deg % 360) + 360) % 360) * 10) / 10;
  return (rounded >= 360 ? 0 : rounded).toFixed(1);
}

export function encodeRmc(input: RmcInput): string {
  const talker = input.talker ?? 'GP';
  const valid = input.valid ?? true;
  const position = valid ? `${lat(input.lat)},${lon(input.lon)}` : ',,,';
  const motion = valid ? `${speed(input.sogKn)},${course(input.cogDeg)}` : ',';
  // 10-11 magnetic variation unknown; 12 mode A (autonomous) or N (not valid), NMEA 0183 v2.3.
  const body = `${talker}RMC,${timeOfDay(input.timeMs)},${valid ? 'A' : 'V'},${position},${motion},${date(input.timeMs)},,,${valid ? 'A' : 'N'}`;
  return withChecksum('$', body);
}

export function encodeGga(input: GgaInput): string {
  const talker = input.talker ?? 'GP';
  const fix = input.fix ?? 1;
  const sats = pad(input.sats ?? 8, 2);
  const hdop = (input.hdop ?? 1).toFixed(1);
  const altitude = (input.altitudeM ?? 0).toFixed(1);
  // 11-12 geoid separation and 13-14 differential age/station left empty.
  const body = `${talker}GGA,${timeOfDay(input.timeMs)},${lat(input.lat)},${lon(input.lon)},${fix},${sats},${hdop},${altitude},M,,M,,`;
  return withChecksum('$', body);
}

export function encodeGll(input: GllInput): string {
  const talker = input.talker ?? 'GP';
  const body = `${talker}GLL,${lat(input.lat)},${lon(input.lon)},${timeOfDay(input.timeMs)},A,A`;
  return withChecksum('$', body);
}

export function encodeVtg(input: VtgInput): string {
  const talker = input.talker ?? 'GP';
  const kmh = (Math.max(0, input.sogKn) * 1.852).toFixed(1); // 1 kn = 1.852 km/h
  const body = `${talker}VTG,${course(input.cogDeg)},T,,M,${speed(input.sogKn)},N,${kmh},K,A`;
  return withChecksum('$', body);
}
