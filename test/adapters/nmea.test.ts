/**
 * Fixture-driven tests of the NMEA decoder: every folder under test/fixtures/nmea/ is one case,
 * `input.nmea` (or the files listed in meta.json `messages`, decoded in order by one adapter instance)
 * against `expected.json`. The inputs are literal sentences from specs and receivers, not encoder output.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createNmeaAdapter } from '../../adapters/nmea/index.ts';
import type { DecodeResult, InboundMessage } from '../../adapters/types.ts';
import { validatePoint } from '../../ingest/schema.ts';
import {
  adapterContext,
  decodeAll,
  type Expected,
  expectRejects,
  FIXTURES_ROOT,
  fixtureCases,
  readJson,
} from '../helpers/adapter-fixtures.ts';

const FIXTURES = join(FIXTURES_ROOT, 'nmea');

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

function runCase(dir: string): DecodeResult {
  const meta = readJson<Meta>(dir, 'meta.json');
  const adapter = createNmeaAdapter(
    adapterContext(Date.parse(meta.receivedAt), { maxAgeDays: meta.maxAgeDays }),
  );
  const specs = meta.messages ?? [{ input: 'input.nmea' }];
  const messages = specs.map((spec): InboundMessage => {
    const vessel = spec.vessel ?? meta.vessel;
    return {
      topic: spec.topic ?? meta.topic ?? `vessels/${vessel}/nmea`,
      payload: readFileSync(join(dir, spec.input)),
      client: vessel,
      receivedAtMs: Date.parse(spec.receivedAt ?? meta.receivedAt),
    };
  });
  return decodeAll(adapter, messages);
}

const cases = fixtureCases(FIXTURES);

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

    expectRejects(result.rejects, expected.rejects);

    expect(result.skipped).toEqual(expected.skipped);
  });
});
