/**
 * What the fixture-driven adapter tests share: the walk of `test/fixtures/<adapter>/<case>/`, the
 * AdapterContext a decoder runs in, decoding several messages into one DecodeResult, and the check of
 * that result against the case's `expected.json` (points with ns times as strings, reject reasons,
 * skipped kinds). Each test file keeps its own `meta.json` shape and how it builds its messages.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { expect } from 'vitest';
import type { AdapterContext, DecodeResult, InboundMessage, MessageAdapter } from '../../adapters/types.ts';
import { type Device, Registry } from '../../ingest/registry.ts';
import { validatePoint } from '../../ingest/schema.ts';
import { SeriesClock } from '../../ingest/time.ts';

/** config/schema.ts `ingest.maxAgeDays` default. */
export const DEFAULT_MAX_AGE_DAYS = 7;

export const FIXTURES_ROOT = join(import.meta.dirname, '../fixtures');

export interface ExpectedPoint {
  measurement: string;
  tags: Record<string, string>;
  fields: Record<string, unknown>;
  /** ns since the epoch, as a string (JSON has no bigint). */
  time: string;
}

export interface ExpectedReject {
  reason: string;
  /** A part of the error message that must be there. */
  errorContains?: string;
  /** The raw input the reject must carry. */
  raw?: string;
}

/** A case's `expected.json`. */
export interface Expected {
  points: ExpectedPoint[];
  rejects: ExpectedReject[];
  skipped: Record<string, number>;
}

/** The case folders below a fixture folder, sorted so `it.each` runs them in a stable order. */
export function fixtureCases(root: string): string[] {
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

export function readJson<T>(dir: string, file: string): T {
  return JSON.parse(readFileSync(join(dir, file), 'utf8')) as T;
}

/** The payloads of a case: `input.json` as one message (bytes as stored), `input.jsonl` one per line. */
export function jsonPayloads(dir: string): Buffer[] {
  const lines = join(dir, 'input.jsonl');
  if (existsSync(lines)) {
    return readFileSync(lines, 'utf8')
      .split('\n')
      .filter((l) => l.length > 0)
      .map((l) => Buffer.from(l));
  }
  return [readFileSync(join(dir, 'input.json'))];
}

export interface ContextOptions {
  maxAgeDays?: number | undefined;
  devices?: Device[] | undefined;
}

/** A decoder's context: silent log, a registry of `devices`, a fresh series clock, `now` the receipt. */
export function adapterContext(receivedAtMs: number, options: ContextOptions = {}): AdapterContext {
  return {
    log: pino({ level: 'silent' }),
    registry: new Registry(options.devices ?? []),
    seriesClock: new SeriesClock(),
    limits: { maxAgeDays: options.maxAgeDays ?? DEFAULT_MAX_AGE_DAYS },
    now: () => receivedAtMs,
  };
}

/** Adds `more` to `into`: points and rejects in order, skipped counts summed. */
export function mergeResult(into: DecodeResult, more: DecodeResult): DecodeResult {
  into.points.push(...more.points);
  into.rejects.push(...more.rejects);
  for (const [kind, n] of Object.entries(more.skipped)) into.skipped[kind] = (into.skipped[kind] ?? 0) + n;
  return into;
}

/** Decodes the messages in order with one adapter and merges what they gave. */
export function decodeAll(adapter: MessageAdapter, messages: Iterable<InboundMessage>): DecodeResult {
  const all: DecodeResult = { points: [], rejects: [], skipped: {} };
  for (const message of messages) mergeResult(all, adapter.decode(message));
  return all;
}

/** Every point passes `validatePoint` and equals the expected one (time compared as a string). */
export function expectPoints(points: DecodeResult['points'], expected: ExpectedPoint[]): void {
  for (const point of points) expect(validatePoint(point)).toBeNull();
  expect(points.map((p) => ({ ...p, time: p.time.toString() }))).toEqual(expected);
}

/** The reasons in order; each reject explains itself, and carries `errorContains` and `raw` when given. */
export function expectRejects(rejects: DecodeResult['rejects'], expected: ExpectedReject[]): void {
  expect(rejects.map((r) => r.reason)).toEqual(expected.map((r) => r.reason));
  rejects.forEach((reject, i) => {
    const want = expected[i];
    expect(reject.error.length).toBeGreaterThan(0);
    if (want?.errorContains !== undefined) expect(reject.error).toContain(want.errorContains);
    if (want?.raw !== undefined) expect(reject.raw).toBe(want.raw);
  });
}

/** The whole result against `expected.json`: points, rejects, skipped kinds. */
export function expectDecoded(result: DecodeResult, expected: Expected): void {
  expectPoints(result.points, expected.points);
  expectRejects(result.rejects, expected.rejects);
  expect(result.skipped).toEqual(expected.skipped);
}
