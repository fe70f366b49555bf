/** The simulators' AIS encoders, checked by decoding what they produce with the adapter. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeAisPosition, encodeAisStatic5, encodeAisStatic24 } from '../../adapters/ais/encode.ts';
import { createAisAdapter } from '../../adapters/ais/index.ts';
import { frame } from '../../adapters/nmea/framing.ts';
import type { DecodeResult } from '../../adapters/types.ts';
import { adapterContext } from '../helpers/adapter-fixtures.ts';

const RECEIVED = Date.parse('2025-06-01T03:20:30.000Z');

function decodeAll(sentences: string[]): DecodeResult {
  const adapter = createAisAdapter(adapterContext(RECEIVED));
  return adapter.decode({
    topic: 'ais/sim',
    client: 'sim',
    payload: Buffer.from(sentences.join('\r\n')),
    receivedAtMs: RECEIVED,
  });
}

function expectWellFormed(sentences: string[]): void {
  for (const s of sentences) {
    expect(s.length + 2).toBeLessThanOrEqual(82); // NMEA 0183: 82 characters with CR LF
    expect(frame(s).ok).toBe(true);
  }
}

describe('encodeAisPosition', () => {
  it('round-trips every position field through the decoder', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<1 | 2 | 3 | 18>(1, 2, 3, 18),
        fc.integer({ min: 1, max: 999_999_999 }),
        fc.double({ min: -90, max: 90, noNaN: true }),
        fc.double({ min: -180, max: 180, noNaN: true }),
        fc.integer({ min: 0, max: 1022 }),
        fc.integer({ min: 0, max: 3599 }),
        fc.integer({ min: 0, max: 359 }),
        fc.integer({ min: 0, max: 59 }),
        (type, mmsi, lat, lon, sog10, cog10, heading, second) => {
          const sentences = encodeAisPosition({
            type,
            mmsi,
            lat,
            lon,
            sogKn: sog10 / 10,
            cogDeg: cog10 / 10,
            headingDeg: heading,
            second,
          });
          expectWellFormed(sentences);
          const { points, rejects } = decodeAll(sentences);
          expect(rejects).toEqual([]);
          const [p] = points;
          expect(p?.tags).toEqual({ vessel: `mmsi:${mmsi}`, source: 'ais', mmsi: String(mmsi) });
          // 1/10 000 minute resolution
          expect(Math.abs(Number(p?.fields.lat) - lat)).toBeLessThanOrEqual(1 / 1_200_000 + 1e-12);
          expect(Math.abs(Number(p?.fields.lon) - lon)).toBeLessThanOrEqual(1 / 1_200_000 + 1e-12);
          expect(p?.fields.sog_kn).toBe(sog10 / 10);
          expect(p?.fields.cog_deg).toBe(cog10 / 10);
          expect(p?.fields.heading_deg).toBe(heading);
          expect(new Date(Number((p?.time ?? 0n) / 1_000_000n)).getUTCSeconds()).toBe(second);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('encodes missing values as "not available", which the decoder leaves out', () => {
    const { points } = decodeAll(encodeAisPosition({ type: 18, mmsi: 574000001, lat: 16.5, lon: 107.7 }));
    expect(points[0]?.fields).toEqual({ lat: 16.5, lon: 107.7 });
    expect(points[0]?.time).toBe(BigInt(RECEIVED) * 1_000_000n);
  });
});

describe('static encoders', () => {
  const vessel = { mmsi: 574123456, name: 'Đại Dương 01', callsign: 'XVAB1', shipType: 30, lengthM: 17 };

  it('type 5 spans two sentences and round-trips name, call sign, type and length', () => {
    const sentences = encodeAisStatic5({ ...vessel, imo: 9_134_270 });
    expect(sentences).toHaveLength(2);
    expectWellFormed(sentences);
    const { points, rejects } = decodeAll(sentences);
    expect(rejects).toEqual([]);
    expect(points.map((p) => p.fields)).toEqual([
      { name: 'DAI DUONG 01', callsign: 'XVAB1', ship_type: 30, length_m: 17 },
    ]);
  });

  it('type 24 gives part A (name) and part B (the rest)', () => {
    const sentences = encodeAisStatic24(vessel);
    expect(sentences).toHaveLength(2);
    expectWellFormed(sentences);
    const { points, rejects } = decodeAll(sentences);
    expect(rejects).toEqual([]);
    expect(points.map((p) => p.fields)).toEqual([
      { name: 'DAI DUONG 01' },
      { callsign: 'XVAB1', ship_type: 30, length_m: 17 },
    ]);
  });

  it('reproduces the public type 24 part A vector bit for bit', () => {
    // gpsd's AIVDM/AIVDO protocol decoding document, type 24 part A example
    const [partA] = encodeAisStatic24({
      mmsi: 271041815,
      name: 'PROGUY',
      callsign: '',
      shipType: 0,
      lengthM: 0,
    });
    expect(partA).toBe('!AIVDM,1,1,,A,H42O55i18tMET00000000000000,2*6D');
  });
});
