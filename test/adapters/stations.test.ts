/**
 * Fixture-driven tests of the stations adapter: every `test/fixtures/stations/<case>/` holds the payload
 * (`input.json`, or `input.jsonl` for several messages in a row), `meta.json` (topic, receipt time,
 * registry entries, adapter config) and `expected.json` (points with ns times as strings, reject reasons).
 */
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createStationsAdapter,
  deviceTime,
  epochSecondsToNs,
  PHYSICAL_RANGES,
  parseIsoDateTime,
  physicalRange,
  StationsConfigSchema,
} from '../../adapters/stations/index.ts';
import type { AdapterContext } from '../../adapters/types.ts';
import type { Device } from '../../ingest/registry.ts';
import { ENVIRONMENT_FIELDS, validatePoint } from '../../ingest/schema.ts';
import {
  adapterContext,
  decodeAll,
  type Expected,
  expectDecoded,
  FIXTURES_ROOT,
  fixtureCases,
  jsonPayloads,
  readJson,
} from '../helpers/adapter-fixtures.ts';

const FIXTURES = join(FIXTURES_ROOT, 'stations');

interface Meta {
  topic: string;
  receivedAt: string;
  devices?: Device[];
  maxAgeDays?: number;
  config?: unknown;
}

function context(meta: Meta): AdapterContext {
  return adapterContext(Date.parse(meta.receivedAt), { devices: meta.devices, maxAgeDays: meta.maxAgeDays });
}

const cases = fixtureCases(FIXTURES);

describe('stations adapter fixtures', () => {
  it('has fixtures', () => expect(cases.length).toBeGreaterThan(10));

  it.each(cases)('%s', (name) => {
    const dir = join(FIXTURES, name);
    const meta = readJson<Meta>(dir, 'meta.json');
    const adapter = createStationsAdapter(context(meta), StationsConfigSchema.parse(meta.config ?? {}));
    const receivedAtMs = Date.parse(meta.receivedAt);
    const messages = jsonPayloads(dir).map((payload) => ({
      topic: meta.topic,
      payload,
      client: 'gw-test',
      receivedAtMs,
    }));
    expectDecoded(decodeAll(adapter, messages), readJson<Expected>(dir, 'expected.json'));
  });
});

describe('stations config', () => {
  it('defaults fieldAliases to {}', () => {
    expect(StationsConfigSchema.parse({})).toEqual({ fieldAliases: {} });
  });

  it('refuses an alias to a field DESIGN.md does not have, naming the key', () => {
    const r = StationsConfigSchema.safeParse({ fieldAliases: { 'PM2.5': 'pm2_5' } });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(['fieldAliases', 'PM2.5']);
  });

  it('refuses an alias that would redefine a schema field', () => {
    expect(StationsConfigSchema.safeParse({ fieldAliases: { pm25: 'pm10' } }).success).toBe(false);
  });
});

describe('PHYSICAL_RANGES', () => {
  it('covers every environment field with min < max', () => {
    for (const field of ENVIRONMENT_FIELDS) {
      const range = PHYSICAL_RANGES[field];
      expect(range, field).toBeDefined();
      expect(range!.min).toBeLessThan(range!.max);
    }
    expect(Object.keys(PHYSICAL_RANGES).sort()).toEqual([...ENVIRONMENT_FIELDS].sort());
  });

  it('narrows temperature for water only', () => {
    expect(physicalRange('temp_c', 'air')).toEqual({ min: -20, max: 60 });
    expect(physicalRange('temp_c', 'water')).toEqual({ min: 0, max: 45 });
    expect(physicalRange('ph', 'water')).toEqual({ min: 0, max: 14 });
  });
});

describe('stations decoder robustness', () => {
  const meta: Meta = {
    topic: 'stations/hue-kim-long/readings',
    receivedAt: '2024-06-10T05:00:02.000Z',
    devices: [{ id: 'hue-kim-long', kind: 'station', medium: 'air' }],
  };

  it('never throws, and every point it makes is valid', () => {
    const adapter = createStationsAdapter(context(meta), { fieldAliases: { 'PM2.5': 'pm25' } });
    const value = fc.oneof(fc.double(), fc.string(), fc.constant(null), fc.boolean(), fc.integer());
    const payload = fc.oneof(
      fc.string().map((s) => Buffer.from(s)),
      fc.json().map((s) => Buffer.from(s)),
      fc
        .record(
          {
            time: fc.oneof(
              fc.integer(),
              fc.double(),
              fc.string(),
              fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
            ),
            values: fc.dictionary(fc.constantFrom(...ENVIRONMENT_FIELDS, 'PM2.5', 'voc', '__proto__'), value),
          },
          { requiredKeys: ['values'] },
        )
        .map((o) => Buffer.from(JSON.stringify(o))),
    );
    fc.assert(
      fc.property(payload, (bytes) => {
        const r = adapter.decode({
          topic: meta.topic,
          payload: bytes,
          client: 'gw',
          receivedAtMs: 1717995602000,
        });
        for (const p of r.points) expect(validatePoint(p)).toBeNull();
        for (const j of r.rejects) expect(j.reason).toMatch(/^[a-z_]+$/);
      }),
      { numRuns: 500 },
    );
  });
});

describe('device time', () => {
  it('keeps an ISO fraction to the nanosecond and applies the offset', () => {
    expect(parseIsoDateTime('2024-06-10T12:00:00.123456789+07:00')?.ns).toBe(1717995600123456789n);
    expect(parseIsoDateTime('2024-06-10T05:00:00,5z')?.ms).toBe(1717995600500);
    expect(parseIsoDateTime('2024-06-10 05:00:00-0130')?.ms).toBe(Date.parse('2024-06-10T06:30:00Z'));
  });

  it('reads years 0..99 as such, not as 19xx', () => {
    // Date.parse reads a four-digit ISO year correctly; Date.UTC(99, ...) would give 1999.
    expect(parseIsoDateTime('0099-01-01T00:00:00Z')?.ms).toBe(Date.parse('0099-01-01T00:00:00Z'));
  });

  it('refuses impossible dates and times', () => {
    for (const bad of [
      '2023-02-29T00:00:00Z',
      '2024-13-01T00:00:00Z',
      '2024-06-10T24:00:00Z',
      '2024-06-10T05:00:60Z',
    ]) {
      expect(parseIsoDateTime(bad), bad).toBeNull();
    }
  });

  it('recovers Frigate-style epoch seconds to the microsecond', () => {
    expect(epochSecondsToNs(1607123961.837752)).toBe(1607123961837752000n);
    expect(epochSecondsToNs(1717995600.8753772)).toBe(1717995600875377000n);
  });

  it('turns a time beyond any calendar date into implausible_time instead of throwing', () => {
    const r = deviceTime(1e300, 1717995602000, { maxAgeDays: 7 });
    expect(r).toMatchObject({ ok: false, reason: 'implausible_time' });
  });
});
