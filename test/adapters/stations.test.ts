/**
 * Fixture-driven tests of the stations adapter: every `test/fixtures/stations/<case>/` holds the payload
 * (`input.json`, or `input.jsonl` for several messages in a row), `meta.json` (topic, receipt time,
 * registry entries, adapter config) and `expected.json` (points with ns times as strings, reject reasons).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { pino } from 'pino';
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
import type { AdapterContext, DecodeResult } from '../../adapters/types.ts';
import { type Device, Registry } from '../../ingest/registry.ts';
import { ENVIRONMENT_FIELDS, validatePoint } from '../../ingest/schema.ts';
import { SeriesClock } from '../../ingest/time.ts';

const FIXTURES = join(import.meta.dirname, '../fixtures/stations');

interface Meta {
  topic: string;
  receivedAt: string;
  devices?: Device[];
  maxAgeDays?: number;
  config?: unknown;
}

interface Expected {
  points: Array<{ measurement: string; tags: Record<string, string>; fields: object; time: string }>;
  rejects: Array<{ reason: string; errorContains?: string }>;
  skipped: Record<string, number>;
}

function context(meta: Meta): AdapterContext {
  const receivedAtMs = Date.parse(meta.receivedAt);
  return {
    log: pino({ level: 'silent' }),
    registry: new Registry(meta.devices ?? []),
    seriesClock: new SeriesClock(),
    limits: { maxAgeDays: meta.maxAgeDays ?? 7 },
    now: () => receivedAtMs,
  };
}

/** The payloads of a case: input.json as one message (bytes as stored), input.jsonl one per line. */
function payloads(dir: string): Buffer[] {
  const lines = join(dir, 'input.jsonl');
  if (existsSync(lines)) {
    return readFileSync(lines, 'utf8')
      .split('\n')
      .filter((l) => l.length > 0)
      .map((l) => Buffer.from(l));
  }
  return [readFileSync(join(dir, 'input.json'))];
}

function runCase(dir: string): { result: DecodeResult; expected: Expected } {
  const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as Meta;
  const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Expected;
  const adapter = createStationsAdapter(context(meta), StationsConfigSchema.parse(meta.config ?? {}));
  const result: DecodeResult = { points: [], rejects: [], skipped: {} };
  for (const payload of payloads(dir)) {
    const r = adapter.decode({
      topic: meta.topic,
      payload,
      client: 'gw-test',
      receivedAtMs: Date.parse(meta.receivedAt),
    });
    result.points.push(...r.points);
    result.rejects.push(...r.rejects);
    for (const [kind, n] of Object.entries(r.skipped)) result.skipped[kind] = (result.skipped[kind] ?? 0) + n;
  }
  return { result, expected };
}

const cases = readdirSync(FIXTURES).sort();

describe('stations adapter fixtures', () => {
  it('has fixtures', () => expect(cases.length).toBeGreaterThan(10));

  it.each(cases)('%s', (name) => {
    const { result, expected } = runCase(join(FIXTURES, name));
    expect(result.points.map((p) => ({ ...p, time: p.time.toString() }))).toEqual(expected.points);
    for (const point of result.points) expect(validatePoint(point)).toBeNull();
    expect(result.rejects.map((r) => r.reason)).toEqual(expected.rejects.map((r) => r.reason));
    expected.rejects.forEach((want, i) => {
      if (want.errorContains) expect(result.rejects[i]?.error).toContain(want.errorContains);
    });
    expect(result.skipped).toEqual(expected.skipped);
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
