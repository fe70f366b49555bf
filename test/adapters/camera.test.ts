/**
 * Fixture-driven tests of the generic camera and Frigate adapters: every `test/fixtures/<camera|frigate>/<case>/`
 * holds the payload (`input.json`, or `input.jsonl` for several messages in a row), `meta.json` (topic,
 * receipt time) and `expected.json` (points with ns times as strings, reject reasons, skipped kinds).
 */
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createCameraAdapter,
  createFrigateAdapter,
  encodeCameraEvent,
  encodeFrigateEvent,
  frigateEventId,
} from '../../adapters/camera/index.ts';
import type { AdapterContext, InboundMessage, MessageAdapter } from '../../adapters/types.ts';
import { validatePoint } from '../../ingest/schema.ts';
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

interface Meta {
  topic: string;
  receivedAt: string;
  maxAgeDays?: number;
}

const context = (receivedAtMs: number, maxAgeDays?: number) => adapterContext(receivedAtMs, { maxAgeDays });

/** One message per payload, all on one topic at one receipt time. */
function messages(topic: string, receivedAtMs: number, payloads: Buffer[]): InboundMessage[] {
  return payloads.map((payload) => ({ topic, payload, client: 'cam-test', receivedAtMs }));
}

function checkCase(create: (ctx: AdapterContext) => MessageAdapter, dir: string): void {
  const meta = readJson<Meta>(dir, 'meta.json');
  const receivedAtMs = Date.parse(meta.receivedAt);
  const adapter = create(context(receivedAtMs, meta.maxAgeDays));
  const result = decodeAll(adapter, messages(meta.topic, receivedAtMs, jsonPayloads(dir)));
  expectDecoded(result, readJson<Expected>(dir, 'expected.json'));
}

const genericCases = fixtureCases(join(FIXTURES_ROOT, 'camera'));
const frigateCases = fixtureCases(join(FIXTURES_ROOT, 'frigate'));

describe('camera adapter fixtures (cameras/{camera}/events)', () => {
  it('has fixtures', () => expect(genericCases.length).toBeGreaterThan(5));
  it.each(genericCases)('%s', (name) => checkCase(createCameraAdapter, join(FIXTURES_ROOT, 'camera', name)));
});

describe('frigate adapter fixtures (frigate/events)', () => {
  it('has fixtures', () => expect(frigateCases.length).toBeGreaterThan(5));
  it.each(frigateCases)('%s', (name) =>
    checkCase(createFrigateAdapter, join(FIXTURES_ROOT, 'frigate', name)),
  );
});

describe('camera topics', () => {
  const now = Date.parse('2024-06-10T05:00:02Z');
  it('rejects a topic that is not the adapter’s', () => {
    const event = encodeCameraEvent({ time: now, eventId: 'e', type: 'new', label: 'person', score: 0.5 });
    const r = createCameraAdapter(context(now)).decode({
      topic: 'cameras/a/b/events',
      payload: Buffer.from(event),
      client: 'c',
      receivedAtMs: now,
    });
    expect(r.rejects.map((j) => j.reason)).toEqual(['bad_topic']);
  });
});

describe('encoders round-trip through the decoders', () => {
  const now = Date.parse('2024-06-10T05:00:30Z');

  it('encodeCameraEvent', () => {
    const adapter = createCameraAdapter(context(now));
    const payload = encodeCameraEvent({
      time: new Date('2024-06-10T05:00:01.250Z'),
      eventId: 'ev-9',
      type: 'end',
      label: 'car',
      score: 0.9,
      zones: ['b', 'a'],
      durationS: 4,
    });
    const r = adapter.decode({
      topic: 'cameras/cam-1/events',
      payload: Buffer.from(payload),
      client: 'c',
      receivedAtMs: now,
    });
    expect(r.rejects).toEqual([]);
    expect(r.points).toEqual([
      {
        measurement: 'camera_event',
        tags: { camera: 'cam-1', label: 'car', type: 'end' },
        fields: { event_id: 'ev-9', score: 0.9, zones: 'a,b', duration_s: 4 },
        time: 1717995601250000000n,
      },
    ]);
  });

  it('encodeFrigateEvent makes Frigate-shaped messages the Frigate decoder accepts', () => {
    const adapter = createFrigateAdapter(context(now));
    const start = 1717995600.475377;
    const id = frigateEventId(start, 'mxklsc');
    expect(id).toBe('1717995600.475377-mxklsc');
    const spec = { id, camera: 'cam-1', label: 'person', startTime: start, score: 0.8, topScore: 0.9 };
    const frigateMessages = [
      encodeFrigateEvent({ type: 'new', after: { ...spec, frameTime: start + 0.5 } }),
      encodeFrigateEvent({
        type: 'update',
        after: { ...spec, frameTime: start + 2, subLabel: ['An', 0.7], currentZones: ['gate'] },
      }),
      encodeFrigateEvent({ type: 'end', after: { ...spec, frameTime: start + 10, enteredZones: ['gate'] } }),
    ];
    const parsed = JSON.parse(frigateMessages[0]!) as {
      before: { id: string };
      after: Record<string, unknown>;
    };
    expect(parsed.before.id).toBe(id);
    for (const key of [
      'box',
      'area',
      'region',
      'current_zones',
      'entered_zones',
      'has_snapshot',
      'has_clip',
    ]) {
      expect(parsed.after).toHaveProperty(key);
    }
    const r = decodeAll(
      adapter,
      messages(
        'frigate/events',
        now,
        frigateMessages.map((m) => Buffer.from(m)),
      ),
    );
    expect(r.rejects).toEqual([]);
    expect(r.points.map((p) => [p.tags.type, p.fields.zones, p.fields.duration_s, p.time])).toEqual([
      ['new', '', undefined, 1717995600975377000n],
      ['update', 'gate', undefined, 1717995602475377000n],
      ['end', 'gate', 10, 1717995610475377000n],
    ]);
  });

  it('random Frigate ids look like Frigate’s', () => {
    expect(frigateEventId(1718000000.123456)).toMatch(/^1718000000\.123456-[0-9a-z]{6}$/);
  });
});

describe('camera decoders never throw', () => {
  const now = Date.parse('2024-06-10T05:00:30Z');
  const anyJson = fc.oneof(
    fc.string().map((s) => Buffer.from(s)),
    fc.json().map((s) => Buffer.from(s)),
    fc
      .record({
        type: fc.constantFrom('new', 'update', 'end', 'x'),
        after: fc.record(
          {
            id: fc.string(),
            camera: fc.string(),
            label: fc.string(),
            score: fc.double(),
            top_score: fc.oneof(fc.double(), fc.constant(null)),
            frame_time: fc.oneof(fc.double(), fc.integer()),
            start_time: fc.double(),
            end_time: fc.oneof(fc.double(), fc.constant(null)),
            current_zones: fc.array(fc.string()),
            sub_label: fc.oneof(fc.string(), fc.tuple(fc.string(), fc.double()), fc.constant(null)),
          },
          { requiredKeys: [] },
        ),
      })
      .map((o) => Buffer.from(JSON.stringify(o))),
  );

  it.each([
    ['camera', createCameraAdapter, 'cameras/cam-1/events'],
    ['frigate', createFrigateAdapter, 'frigate/events'],
  ] as const)('%s', (_name, create, topic) => {
    const adapter = create(context(now));
    fc.assert(
      fc.property(anyJson, (payload) => {
        const r = adapter.decode({ topic, payload, client: 'c', receivedAtMs: now });
        for (const p of r.points) expect(validatePoint(p)).toBeNull();
        for (const j of r.rejects) expect(j.reason).toMatch(/^[a-z_]+$/);
      }),
      { numRuns: 500 },
    );
  });
});
