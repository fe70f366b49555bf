/** Fragment reassembly across receivers, orphan expiry and its memory bound; the report-second rule. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createAisAdapter } from '../../adapters/ais/index.ts';
import { atReportSecond } from '../../adapters/ais/points.ts';
import type { InboundMessage } from '../../adapters/types.ts';
import { adapterContext } from '../helpers/adapter-fixtures.ts';

// gpsd's type 5 sample (test/fixtures/ais/type5-static-two-fragments/source.txt)
const PART1 = '!AIVDM,2,1,1,A,55?MbV02;H;s<HtKR20EHE:0@T4@Dn2222222216L961O5Gf0NSQEp6ClRp8,0*1C';
const PART2 = '!AIVDM,2,2,1,A,88888888880,2*25';
const T0 = Date.parse('2025-03-01T08:00:00Z');

const context = () => adapterContext(T0);

const msg = (receiver: string, lines: string[], receivedAtMs: number): InboundMessage => ({
  topic: `ais/${receiver}`,
  client: receiver,
  payload: Buffer.from(lines.join('\n')),
  receivedAtMs,
});

describe('AIS fragment reassembly', () => {
  it('completes a message across two MQTT messages from the same receiver', () => {
    const ais = createAisAdapter(context());
    expect(ais.decode(msg('r1', [PART1], T0)).points).toEqual([]);
    const second = ais.decode(msg('r1', [PART2], T0 + 500));
    expect(second.points.map((p) => p.fields.name)).toEqual(['EVER DIADEM']);
  });

  it('never joins fragments heard by different receivers', () => {
    const ais = createAisAdapter(context());
    ais.decode(msg('r1', [PART1], T0));
    const other = ais.decode(msg('r2', [PART2], T0 + 100));
    expect(other.points).toEqual([]);
    expect(other.rejects.map((r) => r.reason)).toEqual(['ais_bad_fragment']);
    // r1's first fragment still waits for its own second fragment
    expect(ais.decode(msg('r1', [PART2], T0 + 200)).points).toHaveLength(1);
  });

  it('expires an orphan lazily on its own stream and on the timer, with its origin', () => {
    const ais = createAisAdapter(context(), { fragmentTimeoutMs: 1000 });
    ais.decode(msg('r1', [PART1], T0));
    ais.decode(msg('r2', [PART1], T0));
    // r1's next message, after the timeout: its own orphan comes back with it, r2's does not.
    const later = ais.decode(msg('r1', [], T0 + 1001));
    expect(later.rejects.map((r) => r.reason)).toEqual(['ais_orphan_fragment', 'malformed_sentence']);
    expect(later.rejects[0]?.raw).toBe(PART1);
    const timer = ais.expireFragments(T0 + 1001);
    expect(timer.map((r) => [r.reason, r.client, r.topic])).toEqual([
      ['ais_orphan_fragment', 'r2', 'ais/r2'],
    ]);
    expect(ais.expireFragments(T0 + 5000)).toEqual([]);
  });

  it('keeps a fragment younger than the timeout', () => {
    const ais = createAisAdapter(context(), { fragmentTimeoutMs: 1000 });
    ais.decode(msg('r1', [PART1], T0));
    expect(ais.expireFragments(T0 + 1000)).toEqual([]);
    expect(ais.decode(msg('r1', [PART2], T0 + 1000)).points).toHaveLength(1);
  });

  it('bounds pending messages: the oldest is dropped and reported as an orphan', () => {
    const ais = createAisAdapter(context(), { maxPendingMessages: 3 });
    for (let r = 0; r < 5; r++) ais.decode(msg(`r${r}`, [PART1], T0 + r));
    const dropped = ais.expireFragments(T0 + 10);
    expect(dropped.map((r) => r.client)).toEqual(['r0', 'r1']);
    expect(dropped[0]?.error).toMatch(/more than 3/);
    // the three youngest still complete
    expect(ais.decode(msg('r4', [PART2], T0 + 20)).points).toHaveLength(1);
  });
});

describe('atReportSecond (DESIGN.md Time: receipt time moved back to the report second)', () => {
  it('is the latest whole second at or before receipt with that UTC second', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1_000_000_000_000, max: 4_000_000_000_000 }),
        fc.integer({ min: 0, max: 59 }),
        (receivedAtMs, second) => {
          const t = atReportSecond(receivedAtMs, second);
          expect(new Date(t).getUTCSeconds()).toBe(second);
          expect(t % 1000).toBe(0);
          expect(t).toBeLessThanOrEqual(receivedAtMs);
          expect(receivedAtMs - t).toBeLessThan(60_000);
        },
      ),
    );
  });

  it('puts a second later than the receipt second in the previous minute', () => {
    expect(new Date(atReportSecond(Date.parse('2025-01-01T00:00:02.400Z'), 59)).toISOString()).toBe(
      '2024-12-31T23:59:59.000Z',
    );
  });
});
