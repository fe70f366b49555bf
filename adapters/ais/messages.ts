/**
 * AIS message bodies the hub uses, decoded from their bits (ITU-R M.1371-5 Annex 8, messages 1/2/3, 5, 18
 * and 24). "Not available" values come back as `undefined`, never as their sentinel numbers.
 */
import type { BitReader } from './bits.ts';

export interface PositionReport {
  kind: 'position';
  type: 1 | 2 | 3 | 18;
  mmsi: number;
  lat?: number;
  lon?: number;
  sogKn?: number;
  cogDeg?: number;
  headingDeg?: number;
  /** UTC second of the report (time stamp field), when available. */
  second?: number;
  navStatus?: number;
}

export interface StaticReport {
  kind: 'static';
  type: 5 | 24;
  /** Type 24 only: part A carries the name, part B the rest. */
  part?: 'A' | 'B';
  mmsi: number;
  name?: string;
  callsign?: string;
  shipType?: number;
  /** Dimension to bow + to stern, metres. */
  lengthM?: number;
  imo?: number;
}

export type AisMessage = PositionReport | StaticReport | { kind: 'other'; type: number };
export type DecodedMessage = AisMessage | { kind: 'error'; error: string };

/** Bit offsets of the position fields: Class A (messages 1/2/3) and Class B (message 18). */
const CLASS_A = { sog: 50, lon: 61, lat: 89, cog: 116, heading: 128, second: 137 } as const;
const CLASS_B = { sog: 46, lon: 57, lat: 85, cog: 112, heading: 124, second: 133 } as const;

/** 6-bit text with its `@` padding (and anything after it) and surrounding spaces removed. */
export function cleanText(raw: string): string | undefined {
  const at = raw.indexOf('@');
  const text = (at >= 0 ? raw.slice(0, at) : raw).trim();
  return text.length > 0 ? text : undefined;
}

function tooShort(type: number, bits: BitReader, needed: number): DecodedMessage {
  return { kind: 'error', error: `message ${type} needs ${needed} bits, payload has ${bits.length}` };
}

function decodePosition(bits: BitReader, type: 1 | 2 | 3 | 18): DecodedMessage {
  const at = type === 18 ? CLASS_B : CLASS_A;
  const needed = at.second + 6;
  if (bits.length < needed) return tooShort(type, bits, needed);
  const report: PositionReport = { kind: 'position', type, mmsi: bits.uint(8, 30) };
  if (type !== 18) report.navStatus = bits.uint(38, 4);
  // SOG in 1/10 kn; 1023 = not available, 1022 = 102.2 kn or more.
  const sog = bits.uint(at.sog, 10);
  if (sog !== 1023) report.sogKn = sog / 10;
  // Longitude and latitude in 1/10 000 min; 181° and 91° = not available; anything else out of range is
  // not a position either.
  const lon = bits.int(at.lon, 28) / 600_000;
  if (Math.abs(lon) <= 180) report.lon = lon;
  const lat = bits.int(at.lat, 27) / 600_000;
  if (Math.abs(lat) <= 90) report.lat = lat;
  // COG in 1/10 °; 3600 = not available, 3601..4095 not used.
  const cog = bits.uint(at.cog, 12);
  if (cog < 3600) report.cogDeg = cog / 10;
  // True heading 0..359; 511 = not available.
  const heading = bits.uint(at.heading, 9);
  if (heading < 360) report.headingDeg = heading;
  // Time stamp: UTC second 0..59; 60 = not available, 61..63 = manual, dead reckoning, inoperative.
  const second = bits.uint(at.second, 6);
  if (second < 60) report.second = second;
  return report;
}

/** Dimension to bow + to stern (0 = not available); auxiliary craft (MMSI 98XXXYYYY) put the mothership there. */
function lengthOf(bits: BitReader, mmsi: number, toBowAt: number): number | undefined {
  if (Math.floor(mmsi / 10_000_000) === 98) return undefined;
  const length = bits.uint(toBowAt, 9) + bits.uint(toBowAt + 9, 9);
  return length > 0 ? length : undefined;
}

function withDefined<T extends object>(report: T): T {
  for (const key of Object.keys(report) as (keyof T)[]) if (report[key] === undefined) delete report[key];
  return report;
}

// Message 5: static and voyage related data (424 bits; two sentences on the air).
function decodeStatic5(bits: BitReader): DecodedMessage {
  const needed = 258; // through dimension to stern
  if (bits.length < needed) return tooShort(5, bits, needed);
  const mmsi = bits.uint(8, 30);
  const imo = bits.uint(40, 30);
  const shipType = bits.uint(232, 8);
  return withDefined<StaticReport>({
    kind: 'static',
    type: 5,
    mmsi,
    imo: imo > 0 ? imo : undefined,
    callsign: cleanText(bits.text(70, 7)),
    name: cleanText(bits.text(112, 20)),
    shipType: shipType > 0 ? shipType : undefined,
    lengthM: lengthOf(bits, mmsi, 240),
  });
}

// Message 24: Class B static data report, part A (name) or part B (type, call sign, dimensions).
function decodeStatic24(bits: BitReader): DecodedMessage {
  if (bits.length < 40) return tooShort(24, bits, 40);
  const mmsi = bits.uint(8, 30);
  const part = bits.uint(38, 2);
  if (part === 0) {
    if (bits.length < 160) return tooShort(24, bits, 160);
    return withDefined<StaticReport>({
      kind: 'static',
      type: 24,
      part: 'A',
      mmsi,
      name: cleanText(bits.text(40, 20)),
    });
  }
  if (part !== 1)
    return { kind: 'error', error: `message 24 part number ${part} is neither A (0) nor B (1)` };
  const needed = 150; // through dimension to stern
  if (bits.length < needed) return tooShort(24, bits, needed);
  const shipType = bits.uint(40, 8);
  return withDefined<StaticReport>({
    kind: 'static',
    type: 24,
    part: 'B',
    mmsi,
    shipType: shipType > 0 ? shipType : undefined,
    callsign: cleanText(bits.text(90, 7)),
    lengthM: lengthOf(bits, mmsi, 132),
  });
}

export function decodeMessage(bits: BitReader): DecodedMessage {
  if (bits.length < 6) return { kind: 'error', error: `payload of ${bits.length} bits has no message type` };
  const type = bits.uint(0, 6);
  switch (type) {
    case 1:
    case 2:
    case 3:
    case 18:
      return decodePosition(bits, type);
    case 5:
      return decodeStatic5(bits);
    case 24:
      return decodeStatic24(bits);
    default:
      return { kind: 'other', type };
  }
}
