import { describe, expect, it } from 'vitest';
import { LatestState } from '../../hub/latest.ts';
import type { Point } from '../../ingest/point.ts';

const position = (time: bigint, fields: Point['fields']): Point => ({
  measurement: 'vessel_position',
  tags: { vessel: 'TTH-1', source: 'nmea' },
  fields,
  time,
});

describe('LatestState', () => {
  it('merges the sentences of one epoch, moves on with a newer one, and ignores an older resend', () => {
    const latest = new LatestState();
    latest.update([position(2_000_000_000n, { lat: 16.5, lon: 107.6 })]);
    latest.update([position(2_000_000_000n, { sog_kn: 7 })]);
    expect(latest.snapshot('vessel_position').vessel_position?.[0]).toMatchObject({
      entity: 'TTH-1',
      fields: { lat: 16.5, lon: 107.6, sog_kn: 7 },
      time: '1970-01-01T00:00:02.000Z',
    });
    latest.update([position(1_000_000_000n, { lat: 1, lon: 1 })]);
    latest.update([position(3_000_000_000n, { lat: 16.6, lon: 107.7 })]);
    const entry = latest.snapshot().vessel_position?.[0];
    expect(entry?.fields).toEqual({ lat: 16.6, lon: 107.7 });
    expect(latest.measurements()).toEqual(['vessel_position']);
  });

  it('never changes the fields of the points it was given (they are also the alerts’ and the spool’s)', () => {
    const latest = new LatestState();
    const rmc = position(2_000_000_000n, { lat: 16.5, lon: 107.6 });
    const gga = position(2_000_000_000n, { lat: 16.50001, fix: 1 });
    latest.update([rmc, gga]);
    latest.update([position(2_000_000_000n, { sog_kn: 7 })]);
    expect(rmc.fields).toEqual({ lat: 16.5, lon: 107.6 });
    expect(gga.fields).toEqual({ lat: 16.50001, fix: 1 });
    expect(latest.snapshot().vessel_position?.[0]?.fields).toEqual({
      lat: 16.50001,
      lon: 107.6,
      fix: 1,
      sog_kn: 7,
    });
  });

  it('keeps every field of a chatty epoch, the later sentence winning', () => {
    const latest = new LatestState();
    for (let i = 0; i < 20; i++) latest.update([position(5_000_000_000n, { [`f${i % 12}`]: i, lat: i })]);
    const fields = latest.snapshot().vessel_position?.[0]?.fields;
    expect(Object.keys(fields ?? {}).length).toBe(13);
    expect(fields).toMatchObject({ lat: 19, f0: 12, f7: 19, f11: 11 });
  });
});
