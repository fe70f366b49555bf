/**
 * AIS encoders for the simulators: message bits (ITU-R M.1371-5 Annex 8) → 6-bit armour → AIVDM
 * sentences with checksums, split into fragments of at most 60 payload characters so each sentence
 * stays within NMEA 0183's 82 characters (IEC 61162-1 VDM).
 */
import { withChecksum } from '../nmea/framing.ts';
import { BitWriter } from './bits.ts';

export interface SentenceOptions {
  /** `AIVDO` for the own ship's transponder; default `AIVDM`. */
  address?: 'AIVDM' | 'AIVDO';
  channel?: 'A' | 'B';
  /** Sequential message id 0..9 for multi-sentence messages; default MMSI mod 10. */
  seqId?: number;
}

export interface PositionInput {
  type: 1 | 2 | 3 | 18;
  mmsi: number;
  lat: number;
  lon: number;
  sogKn?: number;
  cogDeg?: number;
  headingDeg?: number;
  second?: number;
  navStatus?: number;
}

export interface StaticInput {
  mmsi: number;
  name: string;
  callsign: string;
  shipType: number;
  lengthM: number;
}

const MAX_PAYLOAD_CHARS = 60;

/** Text the 6-bit alphabet can carry: Vietnamese diacritics dropped, upper case, at most `chars`. */
export function toSixBitText(s: string, chars: number): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '').replace(/[đĐ]/g, 'D').toUpperCase().slice(0, chars);
}

/** Armours the message and cuts it into checksummed sentences. */
export function toSentences(bits: BitWriter, mmsi: number, opts: SentenceOptions = {}): string[] {
  const { payload, fillBits } = bits.armour();
  const parts: string[] = [];
  for (let i = 0; i < payload.length; i += MAX_PAYLOAD_CHARS)
    parts.push(payload.slice(i, i + MAX_PAYLOAD_CHARS));
  const seqId = parts.length > 1 ? String((opts.seqId ?? mmsi) % 10) : '';
  const address = opts.address ?? 'AIVDM';
  const channel = opts.channel ?? 'A';
  return parts.map((part, i) => {
    const fill = i === parts.length - 1 ? fillBits : 0;
    return withChecksum('!', `${address},${parts.length},${i + 1},${seqId},${channel},${part},${fill}`);
  });
}

/** Dimension to bow and to stern (9 bits each) that add up to the length in whole metres. */
function bowAndStern(lengthM: number): [number, number] {
  const total = Math.min(1022, Math.max(0, Math.round(lengthM)));
  const bow = Math.min(511, Math.ceil(total / 2));
  return [bow, total - bow];
}

const orNa = (v: number | undefined, na: number, f: (x: number) => number): number =>
  v === undefined ? na : f(v);

export function encodeAisPosition(r: PositionInput, opts?: SentenceOptions): string[] {
  const w = new BitWriter().uint(r.type, 6).uint(0, 2).uint(r.mmsi, 30);
  if (r.type === 18) w.uint(0, 8);
  else w.uint(r.navStatus ?? 15, 4).uint(-128, 8); // rate of turn -128 = not available
  w.uint(
    orNa(r.sogKn, 1023, (v) => Math.min(1022, Math.max(0, Math.round(v * 10)))),
    10,
  )
    .uint(0, 1) // position accuracy: low
    .uint(Math.round(r.lon * 600_000), 28)
    .uint(Math.round(r.lat * 600_000), 27)
    .uint(
      orNa(r.cogDeg, 3600, (v) => ((Math.round(v * 10) % 3600) + 3600) % 3600),
      12,
    )
    .uint(
      orNa(r.headingDeg, 511, (v) => ((Math.round(v) % 360) + 360) % 360),
      9,
    )
    .uint(r.second ?? 60, 6);
  if (r.type === 18) {
    // reserved 2, CS unit 1, display 0, DSC 0, band 1, message 22 0, assigned 0, RAIM 0, radio 20
    w.uint(0, 2).uint(1, 1).uint(0, 1).uint(0, 1).uint(1, 1).uint(0, 1).uint(0, 1).uint(0, 1).uint(0, 20);
  } else {
    // manoeuvre 0, spare 3, RAIM 0, radio status 19
    w.uint(0, 2).uint(0, 3).uint(0, 1).uint(0, 19);
  }
  return toSentences(w, r.mmsi, opts);
}

/** Message 5 (424 bits, two sentences): ETA, draught and destination left "not available". */
export function encodeAisStatic5(r: StaticInput & { imo?: number }, opts?: SentenceOptions): string[] {
  const [bow, stern] = bowAndStern(r.lengthM);
  const w = new BitWriter()
    .uint(5, 6)
    .uint(0, 2)
    .uint(r.mmsi, 30)
    .uint(0, 2) // AIS version
    .uint(r.imo ?? 0, 30)
    .text(toSixBitText(r.callsign, 7), 7)
    .text(toSixBitText(r.name, 20), 20)
    .uint(r.shipType, 8)
    .uint(bow, 9)
    .uint(stern, 9)
    .uint(0, 6) // to port: not available
    .uint(0, 6) // to starboard: not available
    .uint(1, 4) // EPFD: GPS
    .uint(0, 4) // ETA month, day, hour, minute: not available
    .uint(0, 5)
    .uint(24, 5)
    .uint(60, 6)
    .uint(0, 8) // draught: not available
    .text('', 20) // destination: not available
    .uint(0, 1) // DTE ready
    .uint(0, 1);
  return toSentences(w, r.mmsi, opts);
}

/** Message 24 part A (name) and part B (type, call sign, dimensions), one sentence each. */
export function encodeAisStatic24(r: StaticInput, opts?: SentenceOptions): string[] {
  const partA = new BitWriter()
    .uint(24, 6)
    .uint(0, 2)
    .uint(r.mmsi, 30)
    .uint(0, 2)
    .text(toSixBitText(r.name, 20), 20);
  const [bow, stern] = bowAndStern(r.lengthM);
  const partB = new BitWriter()
    .uint(24, 6)
    .uint(0, 2)
    .uint(r.mmsi, 30)
    .uint(1, 2)
    .uint(r.shipType, 8)
    .text('', 3) // vendor id: not available
    .uint(0, 4) // unit model code
    .uint(0, 20) // serial number
    .text(toSixBitText(r.callsign, 7), 7)
    .uint(bow, 9)
    .uint(stern, 9)
    .uint(0, 6)
    .uint(0, 6)
    .uint(1, 4) // EPFD: GPS
    .uint(0, 2);
  return [...toSentences(partA, r.mmsi, opts), ...toSentences(partB, r.mmsi, opts)];
}
