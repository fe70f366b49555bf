import { Point as ClientPoint } from '@influxdata/influxdb-client';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toLineProtocol } from '../../ingest/line-protocol.ts';
import type { Point } from '../../ingest/point.ts';
import { msToNs, nsToMs } from '../../ingest/point.ts';
import { validatePoint } from '../../ingest/schema.ts';
import { SeriesClock } from '../../ingest/time.ts';

/** The reference: the official client's Point, with our schema's field types. */
function reference(point: Point): string {
  const p = new ClientPoint(point.measurement);
  for (const [k, v] of Object.entries(point.tags)) p.tag(k, v);
  for (const [k, v] of Object.entries(point.fields)) {
    if (typeof v === 'boolean') p.booleanField(k, v);
    else if (typeof v === 'string') p.stringField(k, v);
    else if (k === 'fix' || k === 'sats' || k === 'seq') p.intField(k, v);
    else p.floatField(k, v);
  }
  p.timestamp(point.time.toString());
  return p.toLineProtocol() ?? '';
}

// Characters that need escaping in keys, tags and strings, without line breaks (we encode those apart).
const tricky = fc.string({
  unit: fc.constantFrom('a', 'Z', ' ', ',', '=', '"', '\\', 'é', 'ệ', '1', '-', ':'),
});

describe('line protocol', () => {
  it('matches @influxdata/influxdb-client Point for tricky tags and strings', () => {
    fc.assert(
      fc.property(
        tricky,
        tricky,
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.integer(),
        (tag, text, f, i) => {
          const point: Point = {
            measurement: 'vessel_position',
            tags: { vessel: tag.length ? tag : 'x', source: 'nmea' },
            fields: { lat: f, fix: i, sos: i % 2 === 0 },
            time: 1_700_000_000_123_456_789n,
          };
          expect(toLineProtocol(point)).toBe(reference(point));
          const dl: Point = {
            measurement: 'deadletter',
            tags: { reason: 'x' },
            fields: { error: text, topic: 't' },
            time: 5n,
          };
          expect(toLineProtocol(dl)).toBe(reference(dl));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps a record on one line: line breaks in strings become \\n text', () => {
    const line = toLineProtocol({
      measurement: 'deadletter',
      tags: { reason: 'bad_checksum' },
      fields: { payload: '$GPRMC,1*00\r\n$GPGGA', topic: 't', error: 'e' },
      time: 1n,
    });
    expect(line).not.toMatch(/[\r\n]/);
    expect(line).toContain('payload="$GPRMC,1*00\\\\r\\\\n$GPGGA"');
  });

  it('writes integers with i and sorts keys', () => {
    expect(
      toLineProtocol({
        measurement: 'hub',
        tags: { instance: 'a' },
        fields: { msgs_in: 3, clients: 1 },
        time: 10n,
      }),
    ).toBe('hub,instance=a clients=1i,msgs_in=3i 10');
  });
});

describe('schema validation', () => {
  it('refuses a field of the wrong type, unknown fields and empty tags', () => {
    const base: Point = {
      measurement: 'vessel_position',
      tags: { vessel: 'TTH-1', source: 'nmea' },
      fields: { lat: 1, lon: 2 },
      time: 1n,
    };
    expect(validatePoint(base)).toBeNull();
    expect(validatePoint({ ...base, fields: { fix: 1.5 } })).toMatch(/fix must be an integer/);
    expect(validatePoint({ ...base, fields: { lat: Number.NaN } })).toMatch(/finite/);
    expect(validatePoint({ ...base, fields: { speed: 1 } })).toMatch(/unknown field speed/);
    expect(validatePoint({ ...base, tags: { vessel: '', source: 'nmea' } })).toMatch(/non-empty/);
    expect(validatePoint({ ...base, measurement: 'nope' })).toMatch(/unknown measurement/);
    expect(validatePoint({ ...base, fields: {} })).toMatch(/at least one field/);
  });
});

describe('time', () => {
  it('converts ms to ns and back, keeping milliseconds', () => {
    expect(msToNs(785_285_686_330)).toBe(785_285_686_330_000_000n);
    expect(nsToMs(msToNs(1_700_000_000_123))).toBe(1_700_000_000_123);
  });

  it('makes receipt timestamps unique per series', () => {
    const clock = new SeriesClock();
    const a = clock.uniqueMs('s', 1000);
    const b = clock.uniqueMs('s', 1000);
    const c = clock.uniqueMs('other', 1000);
    expect(b).toBe(a + 1n);
    expect(c).toBe(a);
  });
});

describe('SeriesClock identities', () => {
  it('gives a resent event its own time again and a second object in the frame the next nanosecond', () => {
    const clock = new SeriesClock();
    const a = clock.unique('cam', 1000n, 'event-a');
    const b = clock.unique('cam', 1000n, 'event-b');
    const again = clock.unique('cam', 1000n, 'event-a');
    const late = clock.unique('cam', 500n, 'event-c');
    expect([a, b, again, late]).toEqual([1000n, 1001n, 1000n, 500n]);
  });
});
