/**
 * Fixture-driven AIS decoder tests: each `test/fixtures/ais/<case>/` holds `input.nmea` (one MQTT
 * payload), `meta.json` (receiver, receipt time, optional registry/topic/expireAt), `expected.json` and
 * `source.txt` (where each vector comes from).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createAisAdapter } from '../../adapters/ais/index.ts';
import type { AdapterContext } from '../../adapters/types.ts';
import { type Device, Registry } from '../../ingest/registry.ts';
import { validatePoint } from '../../ingest/schema.ts';
import { SeriesClock } from '../../ingest/time.ts';

const FIXTURES = join(import.meta.dirname, '../fixtures/ais');

interface Meta {
  receiver: string;
  receivedAt: string;
  topic?: string;
  client?: string;
  registry?: Device[];
  /** Call `expireFragments` at this time after decoding. */
  expireAt?: string;
}

interface Expected {
  points: {
    measurement: string;
    tags: Record<string, string>;
    fields: Record<string, unknown>;
    time: string;
  }[];
  rejects: { reason: string }[];
  skipped: Record<string, number>;
}

function context(devices: Device[] = []): AdapterContext {
  return {
    log: pino({ level: 'silent' }),
    registry: new Registry(devices),
    seriesClock: new SeriesClock(),
    limits: { maxAgeDays: 7 },
    now: () => 0,
  };
}

const read = (name: string, file: string) => readFileSync(join(FIXTURES, name, file), 'utf8');
const cases = readdirSync(FIXTURES).sort();

describe('AIS adapter fixtures', () => {
  it('has the cases the issue asks for', () => {
    expect(cases.length).toBeGreaterThanOrEqual(10);
  });

  it.each(cases)('%s', (name) => {
    const meta = JSON.parse(read(name, 'meta.json')) as Meta;
    const expected = JSON.parse(read(name, 'expected.json')) as Expected;
    expect(read(name, 'source.txt').trim()).not.toBe('');
    const adapter = createAisAdapter(context(meta.registry));
    const result = adapter.decode({
      topic: meta.topic ?? `ais/${meta.receiver}`,
      client: meta.client ?? meta.receiver,
      payload: Buffer.from(read(name, 'input.nmea')),
      receivedAtMs: Date.parse(meta.receivedAt),
    });
    const rejects = [...result.rejects];
    if (meta.expireAt) rejects.push(...adapter.expireFragments(Date.parse(meta.expireAt)));

    for (const point of result.points) expect(validatePoint(point)).toBeNull();
    expect(result.points.map((p) => ({ ...p, time: String(p.time) }))).toEqual(expected.points);
    expect(rejects.map((r) => ({ reason: r.reason }))).toEqual(expected.rejects);
    for (const r of rejects) expect(r.error).not.toBe('');
    expect(result.skipped).toEqual(expected.skipped);
  });
});
