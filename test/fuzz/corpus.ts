/**
 * Seeds and mutations for the fuzz tests: every decoder fixture's input (real sentences and payloads)
 * with its topic and receipt time, and fast-check arbitraries that damage them the way radios, gateways
 * and attackers do (flipped bytes, cuts, splices, junk, wrong values in the right places).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import type { DataSource } from '../../broker/topics.ts';
import type { Device } from '../../ingest/registry.ts';

const FIXTURES = join(import.meta.dirname, '../fixtures');

export interface Seed {
  source: DataSource;
  topic: string;
  payload: Buffer;
  receivedAtMs: number;
}

interface Meta {
  topic?: string;
  vessel?: string;
  receiver?: string;
  receivedAt?: string;
  devices?: Device[];
  messages?: Array<{ input: string; topic?: string; vessel?: string; receivedAt?: string }>;
}

const FIXTURE_SOURCE: Record<string, DataSource> = {
  nmea: 'nmea',
  ais: 'ais',
  vms: 'vms',
  stations: 'stations',
  camera: 'camera',
  frigate: 'frigate',
};

function defaultTopic(source: DataSource, meta: Meta): string {
  switch (source) {
    case 'nmea':
      return `vessels/${meta.vessel ?? 'TTH-90123-TS'}/nmea`;
    case 'vms':
      return `vessels/${meta.vessel ?? 'TTH-90123-TS'}/vms`;
    case 'ais':
      return `ais/${meta.receiver ?? 'hue-shore-1'}`;
    case 'stations':
      return 'stations/hue-kim-long/readings';
    case 'camera':
      return 'cameras/ngo-mon-gate/events';
    case 'frigate':
      return 'frigate/events';
  }
}

/** Every fixture input, and the devices their cases register. */
export function loadCorpus(): { seeds: Seed[]; devices: Device[] } {
  const seeds: Seed[] = [];
  const devices = new Map<string, Device>();
  for (const [folder, source] of Object.entries(FIXTURE_SOURCE)) {
    const root = join(FIXTURES, folder);
    for (const name of readdirSync(root)) {
      const dir = join(root, name);
      const metaFile = join(dir, 'meta.json');
      const meta = (existsSync(metaFile) ? JSON.parse(readFileSync(metaFile, 'utf8')) : {}) as Meta;
      for (const d of meta.devices ?? []) devices.set(d.id, d);
      const received = Date.parse(meta.receivedAt ?? '2025-03-01T08:00:00Z');
      const inputs =
        meta.messages?.map((m) => ({ ...m })) ??
        readdirSync(dir)
          .filter((f) => f.startsWith('input.'))
          .map((input) => ({ input, topic: meta.topic, receivedAt: meta.receivedAt, vessel: meta.vessel }));
      for (const m of inputs) {
        const file = join(dir, m.input);
        if (!existsSync(file)) continue;
        seeds.push({
          source,
          topic: m.topic ?? defaultTopic(source, { ...meta, ...(m.vessel ? { vessel: m.vessel } : {}) }),
          payload: readFileSync(file),
          receivedAtMs: m.receivedAt ? Date.parse(m.receivedAt) : received,
        });
      }
    }
  }
  return { seeds, devices: [...devices.values()] };
}

type Mutation = (b: Buffer) => Buffer;

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }).map(({ at, byte }) => (b: Buffer) => {
    if (b.length === 0) return Buffer.from([byte]);
    const c = Buffer.from(b);
    c[at % c.length] = byte;
    return c;
  }),
  fc.record({ at: fc.nat(), bytes: fc.uint8Array({ maxLength: 16 }) }).map(({ at, bytes }) => (b: Buffer) => {
    const i = b.length ? at % (b.length + 1) : 0;
    return Buffer.concat([b.subarray(0, i), Buffer.from(bytes), b.subarray(i)]);
  }),
  fc.record({ at: fc.nat(), len: fc.integer({ min: 1, max: 32 }) }).map(({ at, len }) => (b: Buffer) => {
    const i = b.length ? at % b.length : 0;
    return Buffer.concat([b.subarray(0, i), b.subarray(i + len)]);
  }),
  fc.nat().map((at) => (b: Buffer) => b.subarray(0, b.length ? at % b.length : 0)),
  fc.record({ at: fc.nat(), digit: fc.integer({ min: 0, max: 9 }) }).map(({ at, digit }) => (b: Buffer) => {
    const digits = [...b.keys()].filter((i) => (b[i] as number) >= 0x30 && (b[i] as number) <= 0x39);
    if (digits.length === 0) return b;
    const c = Buffer.from(b);
    c[digits[at % digits.length] as number] = 0x30 + digit;
    return c;
  }),
  fc.constantFrom<Mutation>(
    (b) => Buffer.concat([b, b]),
    (b) => Buffer.from(b.toString('latin1').toUpperCase(), 'latin1'),
    (b) => Buffer.from(b.toString('utf8').replace(/,/g, ',,')),
    (b) => Buffer.from(b.toString('utf8').replace(/\r?\n/g, '')),
    (b) => Buffer.from(b.toString('utf8').replace(/"[^"]*"/, '"\u0000\ud800"')),
    (b) => Buffer.from(b.toString('utf8').replace(/-?\d+(\.\d+)?/, '1e400')),
    (b) => Buffer.from(b.toString('utf8').replace(/-?\d+(\.\d+)?/, '-0')),
    (b) => Buffer.from(b.toString('utf8').replace(/-?\d+(\.\d+)?/, '"12"')),
    (b) => Buffer.from(b.toString('utf8').replace(/-?\d+(\.\d+)?/, 'null')),
  ),
);

/** A seed of `source` damaged by up to five mutations. */
export function mutatedSeed(seeds: readonly Seed[]): fc.Arbitrary<Seed> {
  return fc
    .tuple(fc.constantFrom(...seeds), fc.array(mutation, { maxLength: 5 }))
    .map(([seed, ms]) => ({ ...seed, payload: ms.reduce((b, m) => m(b), seed.payload) }));
}

/** NMEA sentences with a correct checksum and random fields: past the framing, into field parsing. */
export const checksummedSentence: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom('$GPRMC', '$GNGGA', '$GPGLL', '$GPVTG', '$IIRMC', '!AIVDM', '!AIVDO', '$PGRMZ'),
    fc.array(
      fc.oneof(
        fc.string({ maxLength: 12 }),
        fc.stringMatching(/^[0-9]{0,6}(\.[0-9]{0,4})?$/),
        fc.constantFrom('A', 'V', 'N', 'S', 'E', 'W', '', '1', '2', ',', '*'),
      ),
      { maxLength: 14 },
    ),
  )
  .map(([head, fields]) => {
    const body = `${head.slice(1)},${fields.join(',')}`;
    let sum = 0;
    for (const c of Buffer.from(body, 'latin1')) sum ^= c;
    return `${head[0]}${body}*${sum.toString(16).toUpperCase().padStart(2, '0')}`;
  });

/** A valid JSON seed with one value replaced by an arbitrary JSON value, or a random JSON document. */
export function jsonVariant(seeds: readonly Seed[]): fc.Arbitrary<Buffer> {
  const replaced = fc
    .tuple(fc.constantFrom(...seeds), fc.nat(), fc.jsonValue({ maxDepth: 2 }))
    .map(([seed, at, value]) => {
      try {
        const doc = JSON.parse(seed.payload.toString('utf8')) as unknown;
        if (doc && typeof doc === 'object') {
          const paths: Array<[Record<string, unknown>, string]> = [];
          const walk = (o: unknown) => {
            if (!o || typeof o !== 'object') return;
            for (const [k, v] of Object.entries(o)) {
              paths.push([o as Record<string, unknown>, k]);
              walk(v);
            }
          };
          walk(doc);
          const target = paths[at % Math.max(1, paths.length)];
          if (target) target[0][target[1]] = value;
        }
        return Buffer.from(JSON.stringify(doc));
      } catch {
        return seed.payload;
      }
    });
  return fc.oneof(
    replaced,
    fc.jsonValue({ maxDepth: 3 }).map((v) => Buffer.from(JSON.stringify(v) ?? 'null')),
  );
}
