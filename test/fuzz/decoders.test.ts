/**
 * Property tests (fast-check) for every decoder: random bytes, random text, checksummed sentences with
 * random fields, JSON with wrong values, and every fixture mutated (flipped, cut, spliced, duplicated).
 * Whatever comes in, a decoder never throws, returns only points that pass `validatePoint`, gives each
 * reject a snake_case reason and an error text, and is never silent about a payload it could not use.
 * Modbus register decoding gets random register layouts and words.
 */
import fc from 'fast-check';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createAdapters } from '../../adapters/index.ts';
import { ModbusRegisterSchema, REGISTER_TABLES, REGISTER_TYPES } from '../../adapters/modbus/config.ts';
import { decodeRegister, decodeReply, planReads } from '../../adapters/modbus/decode.ts';
import { ModbusShortReadError } from '../../adapters/modbus/errors.ts';
import type { DecodeResult } from '../../adapters/types.ts';
import type { DataSource } from '../../broker/topics.ts';
import { Registry } from '../../ingest/registry.ts';
import { ENVIRONMENT_FIELDS, validatePoint } from '../../ingest/schema.ts';
import { SeriesClock } from '../../ingest/time.ts';
import { checksummedSentence, jsonVariant, loadCorpus, mutatedSeed, type Seed } from './corpus.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 1500);
const { seeds, devices } = loadCorpus();
const REASON = /^[a-z][a-z0-9_]*$/;

function harness() {
  let nowMs = Date.parse('2025-03-01T08:00:00Z');
  const registry = new Registry([
    ...devices,
    { id: 'TTH-90123-TS', kind: 'vessel', mmsi: 574001230 },
    { id: 'hue-kim-long', kind: 'station', medium: 'air' },
  ]);
  const adapters = createAdapters(
    {
      log: pino({ level: 'silent' }),
      registry,
      seriesClock: new SeriesClock(),
      limits: { maxAgeDays: 7 },
      now: () => nowMs,
    },
    { stationFieldAliases: { 'PM2.5': 'pm25' } },
  );
  return (seed: Seed): DecodeResult => {
    nowMs = seed.receivedAtMs;
    adapters.expireAisFragments(Number.MAX_SAFE_INTEGER); // earlier runs' orphans are not this payload's
    const message = {
      topic: seed.topic,
      payload: seed.payload,
      client: 'fuzz',
      receivedAtMs: seed.receivedAtMs,
    };
    const result = adapters.bySource[seed.source].decode(message);
    // A first AIS fragment waits for the rest; if none comes it is dead-lettered when it expires.
    for (const orphan of adapters.expireAisFragments(Number.MAX_SAFE_INTEGER)) result.rejects.push(orphan);
    return result;
  };
}

const show = (v: unknown) => JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}n` : x));

/** The contract of adapters/types.ts, checked on one result. */
function checkResult(seed: Seed, result: DecodeResult): void {
  for (const point of result.points) expect(validatePoint(point), show(point)).toBeNull();
  for (const reject of result.rejects) {
    expect(reject.reason).toMatch(REASON);
    expect(typeof reject.error === 'string' && reject.error.length > 0).toBe(true);
  }
  for (const count of Object.values(result.skipped)) expect(Number.isInteger(count) && count > 0).toBe(true);
  // Never silent: a payload with content yields points, a skip count, or a reject with a reason.
  // (Blank as String.prototype.trim has it, on Latin-1 text: a lone NBSP byte counts as blank.)
  const used = result.points.length + result.rejects.length + Object.keys(result.skipped).length;
  if (seed.payload.toString('latin1').trim().length > 0) {
    expect(used, `silent on ${seed.topic} ${JSON.stringify(seed.payload.toString('utf8'))}`).toBeGreaterThan(
      0,
    );
  }
}

function forSource(source: DataSource, extra: fc.Arbitrary<Buffer>[] = []): void {
  const own = seeds.filter((s) => s.source === source);
  it(`${source}: ${own.length} fixture seeds, mutated and random`, () => {
    expect(own.length).toBeGreaterThan(0);
    const decode = harness();
    const template = own[0] as Seed;
    const entity = fc.oneof(
      fc.constant(template.topic),
      fc.string({ maxLength: 20 }).map((id) => template.topic.replace(/^([^/]+)\/[^/]+/, `$1/${id}`)),
    );
    const payload = fc.oneof(
      fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
      fc.string({ unit: 'binary', maxLength: 200 }).map((s) => Buffer.from(s)),
      ...extra,
    );
    const random = fc.tuple(entity, payload).map(([topic, p]): Seed => ({ ...template, topic, payload: p }));
    fc.assert(
      fc.property(fc.oneof({ arbitrary: mutatedSeed(own), weight: 3 }, random), (seed) => {
        let result: DecodeResult | undefined;
        expect(() => {
          result = decode(seed);
        }).not.toThrow();
        checkResult(seed, result as DecodeResult);
      }),
      { numRuns: RUNS },
    );
  });
}

describe('decoders never throw and return only valid points or reasoned rejects', () => {
  const sentences = fc
    .array(checksummedSentence, { minLength: 1, maxLength: 4 })
    .map((l) => Buffer.from(l.join('\r\n')));
  forSource('nmea', [sentences]);
  forSource('ais', [sentences]);
  for (const source of ['vms', 'stations', 'camera', 'frigate'] as const) {
    forSource(source, [jsonVariant(seeds.filter((s) => s.source === source))]);
  }
});

describe('Modbus register decoding', () => {
  const register = fc
    .record({
      field: fc.constantFrom(...ENVIRONMENT_FIELDS),
      table: fc.constantFrom(...REGISTER_TABLES),
      address: fc.integer({ min: 0, max: 200 }),
      type: fc.option(fc.constantFrom(...REGISTER_TYPES), { nil: undefined }),
      byteOrder: fc.option(
        fc.constantFrom('ABCD', 'CDAB', 'BADC', 'DCBA', 'ABCDEFGH', 'GHEFCDAB', 'BADCFEHG', 'HGFEDCBA'),
        {
          nil: undefined,
        },
      ),
      scale: fc.option(fc.oneof(fc.double({ noNaN: true }), fc.constantFrom(0.1, 0.01, 10)), {
        nil: undefined,
      }),
      offset: fc.option(fc.double({ noNaN: true }), { nil: undefined }),
    })
    .map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)))
    .map((r) => ModbusRegisterSchema.safeParse(r))
    .filter((r) => r.success)
    .map((r) => r.data as NonNullable<typeof r.data>);

  it('a register decodes to a finite number or null (unavailable), never throws', () => {
    fc.assert(
      fc.property(
        register,
        fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 4, maxLength: 4 }),
        (reg, words) => {
          const width =
            reg.table === 'coil' || reg.table === 'discrete' || !reg.type
              ? 1
              : { int16: 1, uint16: 1, int32: 2, uint32: 2, float32: 2, int64: 4, uint64: 4, float64: 4 }[
                  reg.type
                ];
          const value = decodeRegister(reg, words.slice(0, width));
          expect(value === null || Number.isFinite(value)).toBe(true);
        },
      ),
      { numRuns: RUNS * 2 },
    );
  });

  it('a device reply of any length fills only finite known fields, or fails as a short read', () => {
    fc.assert(
      fc.property(
        fc.array(register, { minLength: 1, maxLength: 8 }),
        fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 130 }),
        (registers, reply) => {
          for (const plan of planReads(registers)) {
            const fields: Record<string, number> = {};
            try {
              decodeReply(plan, reply.slice(0, plan.count + (reply.length % 3) - 1), fields);
            } catch (err) {
              expect(err).toBeInstanceOf(ModbusShortReadError);
              continue;
            }
            for (const [field, value] of Object.entries(fields)) {
              expect(ENVIRONMENT_FIELDS).toContain(field);
              expect(Number.isFinite(value)).toBe(true);
            }
            if (Object.keys(fields).length === 0) continue;
            const point = {
              measurement: 'environment',
              tags: { station: 'hue-kim-long', medium: 'air' },
              fields,
              time: 1n,
            };
            expect(validatePoint(point)).toBeNull();
          }
        },
      ),
      { numRuns: RUNS },
    );
  });
});
