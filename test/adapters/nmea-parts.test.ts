/**
 * The NMEA adapter's parts: field formats at their edges, the day chosen for a time of day, the bounded
 * per-vessel epoch state and the hand-off of `!` lines to the AIS decoder.
 */
import { describe, expect, it } from 'vitest';
import { NmeaFieldError } from '../../adapters/nmea/errors.ts';
import {
  dateMs,
  decimal,
  integer,
  latitude,
  longitude,
  nearestDayMs,
  timeOfDayMs,
} from '../../adapters/nmea/fields.ts';
import {
  type AisSentenceSink,
  createNmeaAdapter,
  type NmeaAdapterOptions,
} from '../../adapters/nmea/index.ts';
import type { DecodeResult, InboundMessage } from '../../adapters/types.ts';
import { adapterContext } from '../helpers/adapter-fixtures.ts';

const HOUR_MS = 3_600_000;

describe('NMEA field formats', () => {
  it.each([
    ['225446.33', ((22 * 60 + 54) * 60 + 46) * 1000 + 330],
    ['225446', ((22 * 60 + 54) * 60 + 46) * 1000],
    ['225446.', ((22 * 60 + 54) * 60 + 46) * 1000],
    ['000000.001', 1],
    ['120000.1234', 12 * HOUR_MS + 123],
    ['120000.1235', 12 * HOUR_MS + 124],
    ['235959.9996', 24 * HOUR_MS], // rounds up to midnight; the date arithmetic carries it
    ['235960', 24 * HOUR_MS], // leap second 23:59:60 UTC
  ])('time of day %s → %d ms', (s, ms) => {
    expect(timeOfDayMs(s, 'time')).toBe(ms);
  });

  it.each(['22544', '2254461', '22:54:46', '225446.3a', '245446', '226046', '225461', ' 225446'])(
    'time of day %j is refused',
    (s) => {
      expect(() => timeOfDayMs(s, 'time')).toThrow(NmeaFieldError);
    },
  );

  it.each([
    ['191194', '1994-11-19'],
    ['010180', '1980-01-01'], // 80-99 → 19xx (GPS time starts 1980)
    ['311279', '2079-12-31'], // 00-79 → 20xx
    ['290224', '2024-02-29'],
  ])('date %s → %s', (s, iso) => {
    expect(dateMs(s, 'date')).toBe(Date.parse(`${iso}T00:00:00Z`));
  });

  it.each(['000000', '290225', '310425', '011325', '01062', '0106250', '01-625'])(
    'date %j is refused',
    (s) => {
      expect(() => dateMs(s, 'date')).toThrow(NmeaFieldError);
    },
  );

  it('reads latitude and longitude as degrees + minutes/60, south and west negative', () => {
    expect(latitude('4916.45', 'N', 'lat')).toBe(49 + 16.45 / 60);
    expect(latitude('4916.45', 'S', 'lat')).toBe(-(49 + 16.45 / 60));
    expect(longitude('12311.12', 'W', 'lon')).toBe(-(123 + 11.12 / 60));
    expect(longitude('00007.698', 'W', 'lon')).toBeCloseTo(-7.698 / 60, 12);
    expect(latitude('9000.0000', 'N', 'lat')).toBe(90);
    expect(longitude('18000.0000', 'E', 'lon')).toBe(180);
    expect(latitude('', '', 'lat')).toBeUndefined();
  });

  it.each([
    ['9000.0001', 'N'],
    ['4960.00', 'N'],
    ['49.5', 'N'], // no two digits of whole minutes
    ['12345.00', 'N'], // three degree digits in a latitude
    ['4916.45', 'E'],
    ['4916.45', ''],
    ['', 'N'],
    ['4916.4.5', 'N'],
    ['-4916.45', 'N'],
  ])('latitude %j %j is refused', (value, hemisphere) => {
    expect(() => latitude(value, hemisphere, 'lat')).toThrow(NmeaFieldError);
  });

  it('refuses a longitude beyond 180° or with four degree digits', () => {
    expect(() => longitude('18000.01', 'E', 'lon')).toThrow(NmeaFieldError);
    expect(() => longitude('123411.12', 'E', 'lon')).toThrow(NmeaFieldError);
  });

  it('reads unsigned decimals and integers, empty as undefined, and refuses what Number() would accept', () => {
    expect(decimal('000.5', 'x')).toBe(0.5);
    expect(decimal('.5', 'x')).toBe(0.5);
    expect(decimal('', 'x')).toBeUndefined();
    expect(integer('08', 'x')).toBe(8);
    expect(integer('', 'x')).toBeUndefined();
    for (const s of ['1e3', '0x10', ' 1', '1.2.3', '.', '-1', 'Infinity']) {
      expect(() => decimal(s, 'x'), s).toThrow(NmeaFieldError);
    }
    expect(() => integer('1.0', 'x')).toThrow(NmeaFieldError);
  });

  it('dates a time of day to the previous, same or next day, whichever is nearest the receipt', () => {
    const day = Date.parse('2025-06-01T00:00:00Z');
    const at = (h: number, m = 0, s = 0) => ((h * 60 + m) * 60 + s) * 1000;
    expect(nearestDayMs(at(23, 59, 59), day + at(24, 0, 2))).toBe(day + at(23, 59, 59));
    expect(nearestDayMs(at(0, 0, 1), day + at(23, 59, 58))).toBe(day + at(24, 0, 1));
    expect(nearestDayMs(at(8), day + at(8, 0, 1))).toBe(day + at(8));
    expect(nearestDayMs(at(20), day + at(9))).toBe(day + at(20)); // 11 h ahead beats 13 h behind
    expect(nearestDayMs(at(20), day + at(7))).toBe(day - 24 * HOUR_MS + at(20)); // 11 h behind
  });
});

const T0 = Date.parse('2025-06-01T08:00:00Z');
const GGA = '$GPGGA,080000.00,1633.48000,N,10738.40000,E,1,08,0.9,2.0,M,,M,,*7B';
const VTG = '$GPVTG,87.0,T,,M,5.2,N,9.6,K,A*3A';
const AIS = '!AIVDM,1,1,,A,13aEOK?P00PD2wVMdLDRhgvL289?,0*26';

function adapterWith(opts: NmeaAdapterOptions = {}) {
  return createNmeaAdapter(adapterContext(T0), opts);
}

function message(vessel: string, text: string | Buffer, receivedAtMs = T0): InboundMessage {
  const payload = typeof text === 'string' ? Buffer.from(text) : text;
  return { topic: `vessels/${vessel}/nmea`, payload, client: vessel, receivedAtMs };
}

describe('NMEA adapter state and hand-offs', () => {
  it('remembers at most maxVessels epochs, forgetting the least recently updated', () => {
    const adapter = adapterWith({ maxVessels: 2 });
    for (const vessel of ['A-1', 'B-2', 'C-3']) adapter.decode(message(vessel, GGA));
    expect(adapter.decode(message('A-1', VTG)).skipped).toEqual({ vtg_no_epoch: 1 });
    expect(adapter.decode(message('B-2', VTG)).points).toHaveLength(1);
    expect(adapter.decode(message('C-3', VTG)).points).toHaveLength(1);
  });

  it('does not let a VTG join an epoch received more than a minute earlier', () => {
    const adapter = adapterWith();
    adapter.decode(message('A-1', GGA));
    expect(adapter.decode(message('A-1', VTG, T0 + 60_000)).points).toHaveLength(1);
    expect(adapter.decode(message('A-1', VTG, T0 + 60_001)).skipped).toEqual({ vtg_no_epoch: 1 });
  });

  it('hands ! lines to the AIS decoder untouched, in payload order, with the message and result', () => {
    const seen: string[] = [];
    const ais: AisSentenceSink = {
      decodeSentence(line: string, msg: InboundMessage, out: DecodeResult) {
        seen.push(`${msg.topic} ${line} points-so-far=${out.points.length}`);
        out.skipped.ais_test = (out.skipped.ais_test ?? 0) + 1;
      },
    };
    const adapter = adapterWith({ ais });
    const result = adapter.decode(message('A-1', `${GGA}\r\n  ${AIS}  \r\n!AIVDM,junk\r\n`));
    expect(seen).toEqual([
      `vessels/A-1/nmea ${AIS} points-so-far=1`,
      'vessels/A-1/nmea !AIVDM,junk points-so-far=1',
    ]);
    expect(result.points).toHaveLength(1);
    expect(result.skipped).toEqual({ ais_test: 2 });
  });

  it('rejects a topic without a vessel segment and decodes nothing', () => {
    const adapter = adapterWith();
    for (const topic of ['vessels', 'vessels/', 'vessels//nmea']) {
      const result = adapter.decode({ topic, payload: Buffer.from(GGA), client: 'x', receivedAtMs: T0 });
      expect(result.points, topic).toEqual([]);
      expect(result.rejects.map((r) => r.reason)).toEqual(['bad_topic']);
    }
  });

  it('escapes control and non-ASCII bytes in a rejected line and caps its length', () => {
    const adapter = adapterWith();
    const junk = adapter.decode(message('A-1', Buffer.from([0x00, 0x24, 0x47, 0x50, 0xff]))).rejects[0]!;
    expect(junk.raw).toBe('\\x00$GP\\xff');
    const long = adapter.decode(message('A-1', `$${'X'.repeat(5000)}`)).rejects[0]!;
    expect(long.reason).toBe('malformed_sentence');
    expect(long.raw!.length).toBeLessThanOrEqual(401);
  });
});
