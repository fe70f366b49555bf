/**
 * Fixture-driven AIS decoder tests: each `test/fixtures/ais/<case>/` holds `input.nmea` (one MQTT
 * payload), `meta.json` (receiver, receipt time, optional registry/topic/expireAt), `expected.json` and
 * `source.txt` (where each vector comes from).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAisAdapter } from '../../adapters/ais/index.ts';
import type { Device } from '../../ingest/registry.ts';
import {
  adapterContext,
  type Expected,
  expectDecoded,
  FIXTURES_ROOT,
  fixtureCases,
} from '../helpers/adapter-fixtures.ts';

const FIXTURES = join(FIXTURES_ROOT, 'ais');

interface Meta {
  receiver: string;
  receivedAt: string;
  topic?: string;
  client?: string;
  registry?: Device[];
  /** Call `expireFragments` at this time after decoding. */
  expireAt?: string;
}

const read = (name: string, file: string) => readFileSync(join(FIXTURES, name, file), 'utf8');
const cases = fixtureCases(FIXTURES);

describe('AIS adapter fixtures', () => {
  it('has the cases the issue asks for', () => {
    expect(cases.length).toBeGreaterThanOrEqual(10);
  });

  it.each(cases)('%s', (name) => {
    const meta = JSON.parse(read(name, 'meta.json')) as Meta;
    const expected = JSON.parse(read(name, 'expected.json')) as Expected;
    expect(read(name, 'source.txt').trim()).not.toBe('');
    const receivedAtMs = Date.parse(meta.receivedAt);
    const adapter = createAisAdapter(adapterContext(receivedAtMs, { devices: meta.registry }));
    const result = adapter.decode({
      topic: meta.topic ?? `ais/${meta.receiver}`,
      client: meta.client ?? meta.receiver,
      payload: Buffer.from(read(name, 'input.nmea')),
      receivedAtMs,
    });
    // Orphans expired by the timer are rejects of this case too.
    if (meta.expireAt) result.rejects.push(...adapter.expireFragments(Date.parse(meta.expireAt)));
    expectDecoded(result, expected);
  });
});
