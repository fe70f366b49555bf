/**
 * The simulators' NMEA encoders: literal output for known inputs (checksums computed outside our code),
 * then encoder → decoder round trips over random positions, speeds, courses and times.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeGga, encodeGll, encodeRmc, encodeVtg } from '../../adapters/nmea/encode.ts';
import { createNmeaAdapter } from '../../adapters/nmea/index.ts';
import type { DecodeResult } from '../../adapters/types.ts';
import { msToNs } from '../../ingest/point.ts';
import { adapterContext } from '../helpers/adapter-fixtures.ts';

const VESSEL = 'TTH-90123-TS';

function decodeAll(sentences: string[], receivedAtMs: number): DecodeResult {
  const adapter = createNmeaAdapter(adapterContext(receivedAtMs));
  return adapter.decode({
    topic: `vessels/${VESSEL}/nmea`,
    payload: Buffer.from(`${sentences.join('\r\n')}\r\n`),
    client: VESSEL,
    receivedAtMs,
  });
}

/** Smallest angle between two courses, so 359.96° written as 0.0° still counts as close. */
function courseDiff(a: number, b: number): number {
  const d = Math.abs(a - b) % 360;
  return Math.min(d, 360 - d);
}

describe('NMEA encoders: literal output', () => {
  it('writes RMC with five decimals of minutes, date and mode A', () => {
    const sentence = encodeRmc({
      timeMs: Date.parse('1994-11-19T22:54:46.330Z'),
      lat: 49 + 16.45 / 60,
      lon: -(123 + 11.12 / 60),
      sogKn: 0.5,
      cogDeg: 54.7,
    });
    expect(sentence).toBe('$GPRMC,225446.33,A,4916.45000,N,12311.12000,W,0.5,54.7,191194,,,A*71');
  });

  it('writes GGA with the talker, southern/western hemispheres and leading zeros', () => {
    const sentence = encodeGga({
      timeMs: Date.parse('2025-06-02T00:00:01.050Z'),
      lat: -0.5,
      lon: -0.01,
      fix: 4,
      sats: 5,
      hdop: 1.3,
      altitudeM: -12.5,
      talker: 'GN',
    });
    expect(sentence).toBe('$GNGGA,000001.05,0030.00000,S,00000.60000,W,4,05,1.3,-12.5,M,,M,,*7B');
  });

  it('writes VTG with true course, knots and km/h', () => {
    expect(encodeVtg({ cogDeg: 54.7, sogKn: 0.5 })).toBe('$GPVTG,54.7,T,,M,0.5,N,0.9,K,A*37');
  });

  it('writes GLL with milliseconds when the time has them', () => {
    const sentence = encodeGll({
      timeMs: Date.parse('2025-06-01T08:00:00.123Z'),
      lat: 16.558,
      lon: 107.64,
      talker: 'GA',
    });
    expect(sentence).toBe('$GAGLL,1633.48000,N,10738.40000,E,080000.123,A,A*42');
  });

  it('refuses a year RMC cannot carry', () => {
    expect(() =>
      encodeRmc({ timeMs: Date.parse('2080-01-01T00:00:00Z'), lat: 0, lon: 0, sogKn: 0, cogDeg: 0 }),
    ).toThrow(RangeError);
  });
});

const time = fc.integer({ min: Date.parse('2020-01-01T00:00:00Z'), max: Date.parse('2030-12-31T23:59:59Z') });
const lat = fc.double({ min: -90, max: 90, noNaN: true });
const lon = fc.double({ min: -180, max: 180, noNaN: true });
const sog = fc.double({ min: 0, max: 60, noNaN: true });
const cog = fc.double({ min: 0, max: 359.99, noNaN: true });
const POSITION_TOLERANCE = 1e-6; // five decimals of minutes ≈ 1.7e-7°

describe('NMEA encoders: round trip through the decoder', () => {
  it('RMC + VTG: position, time to the ms, speed and course', () => {
    fc.assert(
      fc.property(time, lat, lon, sog, cog, (timeMs, la, lo, kn, deg) => {
        const result = decodeAll(
          [
            encodeRmc({ timeMs, lat: la, lon: lo, sogKn: kn, cogDeg: deg, talker: 'GN' }),
            encodeVtg({ cogDeg: deg, sogKn: kn }),
          ],
          timeMs + 400,
        );
        expect(result.rejects).toEqual([]);
        expect(result.points).toHaveLength(2);
        const [rmc, vtg] = result.points;
        expect(rmc!.time).toBe(msToNs(timeMs));
        expect(vtg!.time).toBe(msToNs(timeMs));
        expect(Math.abs((rmc!.fields.lat as number) - la)).toBeLessThanOrEqual(POSITION_TOLERANCE);
        expect(Math.abs((rmc!.fields.lon as number) - lo)).toBeLessThanOrEqual(POSITION_TOLERANCE);
        for (const point of [rmc!, vtg!]) {
          expect(Math.abs((point.fields.sog_kn as number) - kn)).toBeLessThanOrEqual(0.05 + 1e-9);
          expect(courseDiff(point.fields.cog_deg as number, deg)).toBeLessThanOrEqual(0.05 + 1e-9);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('GGA and GLL: dated to the receipt day, fix, satellites and HDOP', () => {
    fc.assert(
      fc.property(
        time,
        fc.integer({ min: -30_000, max: 30_000 }),
        lat,
        lon,
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 0, max: 40 }),
        (timeMs, delayMs, la, lo, fix, sats) => {
          const result = decodeAll(
            [
              encodeGga({ timeMs, lat: la, lon: lo, fix, sats, hdop: 0.9 }),
              encodeGll({ timeMs, lat: la, lon: lo }),
            ],
            timeMs + delayMs,
          );
          expect(result.rejects).toEqual([]);
          expect(result.points.map((p) => p.time)).toEqual([msToNs(timeMs), msToNs(timeMs)]);
          const [gga, gll] = result.points;
          expect(gga!.fields).toMatchObject({ fix, sats, hdop: 0.9 });
          for (const point of [gga!, gll!]) {
            expect(Math.abs((point.fields.lat as number) - la)).toBeLessThanOrEqual(POSITION_TOLERANCE);
            expect(Math.abs((point.fields.lon as number) - lo)).toBeLessThanOrEqual(POSITION_TOLERANCE);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('RMC valid: false is decoded as no fix, GGA fix 0 likewise', () => {
    const timeMs = Date.parse('2025-06-01T08:00:00Z');
    const result = decodeAll(
      [
        encodeRmc({ timeMs, lat: 16.5, lon: 107.6, sogKn: 0, cogDeg: 0, valid: false }),
        encodeGga({ timeMs, lat: 16.5, lon: 107.6, fix: 0 }),
      ],
      timeMs,
    );
    expect(result).toEqual({ points: [], rejects: [], skipped: { no_fix: 2 } });
  });
});
