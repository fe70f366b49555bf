/**
 * The four NMEA 0183 sentences the hub stores, parsed from framed fields (`fields[0]` is the address,
 * so `fields[n]` is the standard's field n). Field numbers follow NMEA 0183 v4.11; optional trailing
 * fields of later versions (mode indicator, navigational status) are read when present.
 * Throws NmeaFieldError for a bad field or a truncated sentence; the decoder turns it into a reject.
 */
import { NmeaFieldError } from './errors.ts';
import { dateMs, decimal, integer, latitude, longitude, timeOfDayMs } from './fields.ts';

export type VesselFields = Record<string, number>;

export type Parsed =
  /** Well formed, but the receiver says it has no valid position (RMC/GLL status V, GGA quality 0). */
  | { kind: 'no_fix' }
  /** A position: RMC gives the date (`dayMs`), GGA and GLL only the time of day. */
  | { kind: 'fix'; dayMs: number | undefined; timeOfDayMs: number; fields: VesselFields }
  /** Speed and course without a time (VTG): they join the vessel's current epoch. */
  | { kind: 'motion'; fields: VesselFields };

const NO_FIX: Parsed = { kind: 'no_fix' };

/** Throws unless the sentence has at least `dataFields` fields after its address. */
function need(f: readonly string[], dataFields: number, type: string): void {
  if (f.length - 1 < dataFields) {
    throw new NmeaFieldError(`${type} has ${f.length - 1} fields, needs at least ${dataFields} (truncated)`);
  }
}

function course(s: string, what: string): number | undefined {
  const deg = decimal(s, what);
  if (deg !== undefined && deg > 360) throw new NmeaFieldError(`${what} "${s}" is above 360°`);
  return deg;
}

/** Fills lat/lon, or returns false when the receiver left both empty (no position to store). */
function position(
  out: VesselFields,
  lat: number | undefined,
  lon: number | undefined,
  type: string,
): boolean {
  if (lat === undefined && lon === undefined) return false;
  if (lat === undefined || lon === undefined) {
    throw new NmeaFieldError(`${type} gives ${lat === undefined ? 'a longitude' : 'a latitude'} alone`);
  }
  out.lat = lat;
  out.lon = lon;
  return true;
}

/** NMEA 0183 v2.3+ mode indicator: N = data not valid (A/D/E/M/S/P/R/F are fixes of some kind). */
function modeNotValid(mode: string | undefined): boolean {
  return mode === 'N';
}

/**
 * RMC: 1 time, 2 status A/V, 3-4 latitude, 5-6 longitude, 7 SOG (kn), 8 COG (° true), 9 date ddmmyy,
 * 10-11 magnetic variation, 12 mode (v2.3), 13 navigational status (v4.1).
 */
export function parseRmc(f: readonly string[]): Parsed {
  need(f, 9, 'RMC');
  const status = f[2]!;
  if (status === 'V' || modeNotValid(f[12])) return NO_FIX;
  if (status !== 'A') throw new NmeaFieldError(`RMC status (field 2) "${status}" is not A or V`);
  const fields: VesselFields = {};
  const lat = latitude(f[3]!, f[4]!, 'RMC latitude (field 3)');
  const lon = longitude(f[5]!, f[6]!, 'RMC longitude (field 5)');
  if (!position(fields, lat, lon, 'RMC')) return NO_FIX;
  const sog = decimal(f[7]!, 'RMC speed over ground (field 7)');
  if (sog !== undefined) fields.sog_kn = sog;
  const cog = course(f[8]!, 'RMC course over ground (field 8)');
  if (cog !== undefined) fields.cog_deg = cog;
  return {
    kind: 'fix',
    dayMs: required(f[9]!, dateMs, 'RMC date (field 9)'),
    timeOfDayMs: required(f[1]!, timeOfDayMs, 'RMC time (field 1)'),
    fields,
  };
}

/**
 * GGA: 1 time, 2-3 latitude, 4-5 longitude, 6 quality (0 = no fix ... 8 = simulator), 7 satellites in
 * use, 8 HDOP, 9-10 altitude, 11-12 geoid separation, 13 age of differential data, 14 station id.
 */
export function parseGga(f: readonly string[]): Parsed {
  need(f, 8, 'GGA');
  const quality = integer(f[6]!, 'GGA fix quality (field 6)');
  if (quality === undefined || quality > 8) {
    throw new NmeaFieldError(`GGA fix quality (field 6) "${f[6]}" is not 0-8`);
  }
  if (quality === 0) return NO_FIX;
  const fields: VesselFields = {};
  const lat = latitude(f[2]!, f[3]!, 'GGA latitude (field 2)');
  const lon = longitude(f[4]!, f[5]!, 'GGA longitude (field 4)');
  if (!position(fields, lat, lon, 'GGA')) return NO_FIX;
  fields.fix = quality;
  const sats = integer(f[7]!, 'GGA satellites (field 7)');
  if (sats !== undefined) fields.sats = sats;
  const hdop = decimal(f[8]!, 'GGA HDOP (field 8)');
  if (hdop !== undefined) fields.hdop = hdop;
  return {
    kind: 'fix',
    dayMs: undefined,
    timeOfDayMs: required(f[1]!, timeOfDayMs, 'GGA time (field 1)'),
    fields,
  };
}

/** GLL: 1-2 latitude, 3-4 longitude, 5 time, 6 status A/V, 7 mode (v2.3). */
export function parseGll(f: readonly string[]): Parsed {
  need(f, 6, 'GLL');
  const status = f[6]!;
  if (status === 'V' || modeNotValid(f[7])) return NO_FIX;
  if (status !== 'A') throw new NmeaFieldError(`GLL status (field 6) "${status}" is not A or V`);
  const fields: VesselFields = {};
  const lat = latitude(f[1]!, f[2]!, 'GLL latitude (field 1)');
  const lon = longitude(f[3]!, f[4]!, 'GLL longitude (field 3)');
  if (!position(fields, lat, lon, 'GLL')) return NO_FIX;
  return {
    kind: 'fix',
    dayMs: undefined,
    timeOfDayMs: required(f[5]!, timeOfDayMs, 'GLL time (field 5)'),
    fields,
  };
}

/**
 * VTG: 1-2 course (° true) `T`, 3-4 course (° magnetic) `M`, 5-6 speed (kn) `N`, 7-8 speed (km/h) `K`,
 * 9 mode (v2.3). The pre-2.0 form without the unit letters is not accepted (its fields are ambiguous).
 */
export function parseVtg(f: readonly string[]): Parsed {
  need(f, 6, 'VTG');
  if (modeNotValid(f[9])) return NO_FIX;
  unit(f, 1, 'T');
  unit(f, 5, 'N');
  const fields: VesselFields = {};
  const cog = course(f[1]!, 'VTG course true (field 1)');
  if (cog !== undefined) fields.cog_deg = cog;
  const sog = decimal(f[5]!, 'VTG speed (field 5)');
  if (sog !== undefined) fields.sog_kn = sog;
  if (cog === undefined && sog === undefined) return NO_FIX;
  return { kind: 'motion', fields };
}

/** The unit letter after a value must be the expected one (empty is allowed with an empty value). */
function unit(f: readonly string[], valueIndex: number, letter: string): void {
  const given = f[valueIndex + 1]!;
  if (given === letter || (given === '' && f[valueIndex] === '')) return;
  throw new NmeaFieldError(`VTG field ${valueIndex + 1} "${given}" should be the unit ${letter}`);
}

function required(s: string, parse: (s: string, what: string) => number, what: string): number {
  if (s.length === 0) throw new NmeaFieldError(`${what} is empty`);
  return parse(s, what);
}
