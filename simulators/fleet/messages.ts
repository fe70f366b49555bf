/**
 * What a simulated vessel sends, built with the adapters' own encoders: NMEA RMC+GGA+VTG from its GNSS
 * receiver, a VMS report from its terminal, AIS position and static reports heard by the shore receiver.
 * Pure: a state and a (real-clock) time in, payload text out.
 */
import { encodeAisPosition, encodeAisStatic5, encodeAisStatic24 } from '../../adapters/ais/encode.ts';
import { encodeGga, encodeRmc, encodeVtg } from '../../adapters/nmea/encode.ts';
import type { VesselState } from './motion.ts';
import type { VesselSpec } from './vessels.ts';

/** ITU-R M.1371 ship type 30: fishing. */
export const AIS_SHIP_TYPE_FISHING = 30;

/** ITU-R M.1371 navigational status, for Class A position reports. */
const NAV_STATUS = {
  port: 5, // moored
  outbound: 0, // under way using engine
  returning: 0,
  fishing: 7, // engaged in fishing
  drifting: 2, // not under command
  distress: 2,
} as const;

/** Receiver details that vary little within a trip (satellites, HDOP), deterministic per vessel and time. */
function gnssQuality(spec: VesselSpec, timeMs: number): { sats: number; hdop: number } {
  const slot = Math.floor(timeMs / 60_000) + spec.mmsi;
  return { sats: 7 + (slot % 6), hdop: 0.7 + ((slot * 7) % 9) / 10 };
}

/** RMC + GGA + VTG of one epoch, CRLF-separated as a receiver writes them (DESIGN.md `vessels/{id}/nmea`). */
export function nmeaPayload(spec: VesselSpec, s: VesselState, timeMs: number): string {
  const { sats, hdop } = gnssQuality(spec, timeMs);
  return [
    encodeRmc({ timeMs, lat: s.lat, lon: s.lon, sogKn: s.sogKn, cogDeg: s.cogDeg }),
    encodeGga({ timeMs, lat: s.lat, lon: s.lon, fix: 1, sats, hdop, altitudeM: 2.5 }),
    encodeVtg({ cogDeg: s.cogDeg, sogKn: s.sogKn }),
  ].join('\r\n');
}

export interface VmsReport {
  time: string;
  lat: number;
  lon: number;
  speed_kn: number;
  course_deg: number;
  seq: number;
  terminal: string;
  valid: boolean;
  sos: boolean;
}

const round = (n: number, digits: number): number => Math.round(n * 10 ** digits) / 10 ** digits;

/** A VMS terminal's report (Notice 1008/TB-TCTS-TTTS fields), JSON as DESIGN.md gives it. */
export function vmsReport(spec: VesselSpec, s: VesselState, timeMs: number, seq: number): VmsReport {
  return {
    time: new Date(timeMs).toISOString(),
    lat: round(s.lat, 5),
    lon: round(s.lon, 5),
    speed_kn: round(s.sogKn, 1),
    course_deg: round(s.cogDeg, 1) % 360,
    seq,
    terminal: spec.terminal ?? `VMS-${spec.mmsi}`,
    valid: true,
    sos: s.sos,
  };
}

/** Position report: type 1 (Class A) for ≥ 15 m, type 18 (Class B) below; UTC second of the fix. */
export function aisPositionSentences(spec: VesselSpec, s: VesselState, timeMs: number): string[] {
  const second = new Date(timeMs).getUTCSeconds();
  return encodeAisPosition(
    {
      type: spec.aisClass === 'A' ? 1 : 18,
      mmsi: spec.mmsi,
      lat: s.lat,
      lon: s.lon,
      sogKn: s.sogKn,
      cogDeg: s.cogDeg,
      headingDeg: s.headingDeg,
      second,
      ...(spec.aisClass === 'A' ? { navStatus: NAV_STATUS[s.phase] } : {}),
    },
    { channel: spec.mmsi % 2 === 0 ? 'A' : 'B' },
  );
}

/** Static report: type 5 (two fragments) for Class A, type 24 parts A and B for Class B. */
export function aisStaticSentences(spec: VesselSpec, seqId: number): string[] {
  const input = {
    mmsi: spec.mmsi,
    name: spec.name,
    callsign: spec.callsign,
    shipType: AIS_SHIP_TYPE_FISHING,
    lengthM: spec.lengthM,
  };
  const opts = { channel: 'A' as const, seqId };
  return spec.aisClass === 'A' ? encodeAisStatic5(input, opts) : encodeAisStatic24(input, opts);
}
