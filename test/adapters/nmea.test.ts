/**
 * Fixture-driven tests of the NMEA decoder: every folder under test/fixtures/nmea/ is one case,
 * `input.nmea` (or the files listed in meta.json `messages`, decoded in order by one adapter instance)
 * against `expected.json`. The inputs are literal sentences from specs and receivers, not encoder output.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createNmeaAdapter } from '../../adapters/nmea/index.ts';
import type { DecodeResult, InboundMessage } from '../../adapters/types.ts';
import type { FieldValue } from '../../ingest/point.ts';
import { Registry } from '../../ingest/registry.ts';
import { validatePoint } from '../../ingest/schema.ts';
import { SeriesClock } from '../../ingest/time.ts';

const FIXTURES = fileURLToPath(new URL('../fixtures/nmea/', import.meta.url));
const DEFAULT_MAX_AGE_DAYS = 7; // config/schema.ts ingest.maxAgeDays

interface MessageSpec {
  input: string;
  vessel?: string;
  topic?: string;
  receivedAt?: string;
}

interface Meta {
  vessel: string;
  receivedAt: string;
  maxAgeDays?: number;
  topic?: string;
  messages?: MessageSpec[];
}

interface Expected {
  points: {
    measurement: string;
    tags: Record<string, string>;
    fields: Record<string, FieldValue>;
    time: string;
  }[];
  rejects: { reason: string; raw?: string }[];
  skipped: Record<string, number>;
}

function readJson<T>(dir: string, name: string): T {
  return JSON.parse(readFileSync(join(dir, name), 'utf8')) as T;
}

function runCase(dir: string): DecodeResult {
  const meta = readJson<Meta>(dir, 'meta.json');
  const adapter = createNmeaAdapter({
    log: pino({ level: 'silent' }),
    registry: new Registry(),
    seriesClock: new SeriesClock(),
    limits: { maxAgeDays: meta.maxAgeDays ?? DEFAULT_MAX_AGE_DAYS },
    now: () => Date.parse(meta.receivedAt),
  });
  const all: DecodeResult = { points: [], rejects: [], skipped: {} };
  for (const spec of meta.messages ?? [{ input: 'input.nmea' }]) {
    const vessel = spec.vessel ?? meta.vessel;
    const message: InboundMessage = {
      topic: spec.topic ?? meta.topic ?? `vessels/${vessel}/nmea`,
      payload: readFileSync(join(dir, spec.input)),
      client: vessel,
      receivedAtMs: Date.parse(spec.receivedAt ?? meta.receivedAt),
    };
    const result = adapter.decode(message);
    all.points.push(...result.points);
    all.rejects.push(...result.rejects);
    for (const [kind, n] of Object.entries(result.skipped)) all.skipped[kind] = (all.skipped[kind] ?? 0) + n;
  }
  return all;
}

const cases = readdirSync(FIXTURES, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

describe('NMEA decoder fixtures', () => {
  it('finds the fixture cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(25);
  });

  it.each(cases)('%s', (name) => {
    const dir = join(FIXTURES, name);
    const expected = readJson<Expected>(dir, 'expected.json');
    const result = runCase(dir);

    expect(result.points).toHaveLength(expected.points.length);
    result.points.forEach((point, i) => {
      const want = expected.points[i]!;
      expect(validatePoint(point)).toBeNull();
      expect(point.measurement).toBe(want.measurement);
      expect(point.tags).toEqual(want.tags);
      expect(point.time.toString()).toBe(want.time);
      expect(Object.keys(point.fields).sort()).toEqual(Object.keys(want.fields).sort());
      for (const [key, value] of Object.entries(want.fields)) {
        // The spec vector gives six decimals (49.274167); nothing is rounded beyond float64.
        expect(Math.abs((point.fields[key] as number) - (value as number)), key).toBeLessThanOrEqual(1e-6);
      }
    });

    expect(result.rejects.map((r) => r.reason)).toEqual(expected.rejects.map((r) => r.reason));
    result.rejects.forEach((reject, i) => {
      expect(reject.error.length).toBeGreaterThan(0);
      const raw = expected.rejects[i]!.raw;
      if (raw !== undefined) expect(reject.raw).toBe(raw);
    });

    expect(result.skipped).toEqual(expected.skipped);
  });
});
