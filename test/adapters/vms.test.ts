/**
 * Fixture-driven VMS decoder tests: each `test/fixtures/vms/<case>/` holds `input.json` (one MQTT
 * payload), `meta.json` (topic, client, receipt time, optional maxAgeDays) and `expected.json`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { InboundMessage } from '../../adapters/types.ts';
import { createVmsAdapter, VmsReportSchema } from '../../adapters/vms/index.ts';
import {
  adapterContext,
  type Expected,
  expectDecoded,
  FIXTURES_ROOT,
  fixtureCases,
} from '../helpers/adapter-fixtures.ts';

const FIXTURES = join(FIXTURES_ROOT, 'vms');

interface Meta {
  topic: string;
  client: string;
  receivedAt: string;
  maxAgeDays?: number;
}

const read = (name: string, file: string) => readFileSync(join(FIXTURES, name, file), 'utf8');
const cases = fixtureCases(FIXTURES);

describe('VMS adapter fixtures', () => {
  it.each(cases)('%s', (name) => {
    const meta = JSON.parse(read(name, 'meta.json')) as Meta;
    const expected = JSON.parse(read(name, 'expected.json')) as Expected;
    const receivedAtMs = Date.parse(meta.receivedAt);
    const result = createVmsAdapter(adapterContext(receivedAtMs, { maxAgeDays: meta.maxAgeDays })).decode({
      topic: meta.topic,
      client: meta.client,
      payload: Buffer.from(read(name, 'input.json')),
      receivedAtMs,
    });
    expectDecoded(result, expected);
  });
});

describe('VMS terminals', () => {
  const receivedAtMs = Date.parse('2025-03-01T08:00:30Z');
  const message = (terminal: string): InboundMessage => ({
    topic: 'vessels/TTH-90123-TS/vms',
    client: 'TTH-90123-TS',
    receivedAtMs,
    payload: Buffer.from(
      JSON.stringify({
        time: '2025-03-01T08:00:00Z',
        lat: 16.75,
        lon: 107.85,
        speed_kn: 6,
        course_deg: 90,
        terminal,
      }),
    ),
  });

  it('keeps the series of two terminals on one vessel apart (Decree 41/2026)', () => {
    const adapter = createVmsAdapter(adapterContext(receivedAtMs));
    const [a] = adapter.decode(message('T-1')).points;
    const [b] = adapter.decode(message('T-2')).points;
    // Same vessel, same time: without the terminal tag the second would overwrite the first in InfluxDB.
    expect(a?.time).toBe(b?.time);
    expect([a?.tags.terminal, b?.tags.terminal]).toEqual(['T-1', 'T-2']);
  });

  it('exports a schema that refuses unknown keys', () => {
    const ok = { time: 1, lat: 0, lon: 0, speed_kn: 0, course_deg: 0 };
    expect(VmsReportSchema.safeParse(ok).success).toBe(true);
    expect(VmsReportSchema.safeParse({ ...ok, extra: 1 }).success).toBe(false);
  });
});
