import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Registry } from '../../ingest/registry.ts';
import { VESSEL_SOS } from './rules.ts';
import { MIN, PM25_RULE, Run, rule, T0 } from './support.ts';

const PM25 = { ...PM25_RULE, for: '15m' };

const air = { station: 'hue-1', medium: 'air' };

describe('threshold rules', () => {
  it('fires only after the condition held for the pending period, then resolves past the clear level', () => {
    const run = new Run(rule(PM25));
    expect(run.point(T0, air, { pm25: 55 }).map((t) => t.state)).toEqual(['pending']);
    expect(run.tick(T0 + 14 * MIN)).toEqual([]);
    run.point(T0 + 10 * MIN, air, { pm25: 58 });
    const [firing] = run.tick(T0 + 15 * MIN);
    expect(firing).toMatchObject({
      state: 'firing',
      from: 'pending',
      entity: 'hue-1',
      transitionId: `pm25-high:hue-1:firing:${T0}`,
      startedAtMs: T0,
      value: 58,
      message: 'PM2.5 at hue-1 is 58 µg/m³',
      messageVi: 'PM2.5 tại hue-1 là 58 µg/m³',
      tags: { station: 'hue-1' },
    });
    expect(run.point(T0 + 20 * MIN, air, { pm25: 44 })).toMatchObject([
      { state: 'resolved', from: 'firing', transitionId: `pm25-high:hue-1:resolved:${T0}`, value: 44 },
    ]);
    // Nothing left to remember once resolved.
    expect(run.state.entities.size).toBe(0);
  });

  it('cancels a pending alert whose value falls below the clear level (pending → resolved)', () => {
    const run = new Run(rule(PM25));
    run.point(T0, air, { pm25: 60 });
    run.point(T0 + 5 * MIN, air, { pm25: 40 });
    run.tick(T0 + 20 * MIN);
    expect(run.states()).toEqual(['hue-1:pending', 'hue-1:resolved']);
    expect(run.transitions[1]?.from).toBe('pending');
  });

  it('a pending alert resting in the hysteresis band neither fires nor resolves', () => {
    const run = new Run(rule(PM25));
    run.point(T0, air, { pm25: 51 });
    run.point(T0 + MIN, air, { pm25: 47 });
    run.tick(T0 + 30 * MIN);
    expect(run.states()).toEqual(['hue-1:pending']);
    // Back above the line after the pending period: fires at once.
    expect(run.point(T0 + 31 * MIN, air, { pm25: 52 })[0]?.state).toBe('firing');
  });

  it('a value wobbling around the threshold inside the band makes no new transitions (no flapping)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 45, max: 70, noNaN: true }), { minLength: 1, maxLength: 200 }),
        (series) => {
          const run = new Run(rule({ ...PM25, for: 0 }));
          run.point(T0, air, { pm25: 60 });
          series.forEach((value, i) => {
            run.point(T0 + (i + 1) * MIN, air, { pm25: value });
            run.tick(T0 + (i + 1) * MIN + 30_000);
          });
          expect(run.states()).toEqual(['hue-1:firing']);
        },
      ),
    );
  });

  it('without a clear level the same wobble flaps (what hysteresis prevents)', () => {
    const run = new Run(rule({ ...PM25, for: 0, clearBelow: undefined }));
    for (const [i, v] of [51, 49, 52, 48, 53].entries()) run.point(T0 + i * MIN, air, { pm25: v });
    expect(run.states()).toEqual([
      'hue-1:firing',
      'hue-1:resolved',
      'hue-1:firing',
      'hue-1:resolved',
      'hue-1:firing',
    ]);
  });

  it('keepFiringFor holds a firing alert after the condition clears, and a new breach restarts it', () => {
    const run = new Run(rule({ ...PM25, for: 0, keepFiringFor: '10m' }));
    run.point(T0, air, { pm25: 80 });
    run.point(T0 + MIN, air, { pm25: 30 });
    expect(run.tick(T0 + 10 * MIN)).toEqual([]);
    run.point(T0 + 10 * MIN + 30_000, air, { pm25: 90 });
    run.point(T0 + 12 * MIN, air, { pm25: 30 });
    expect(run.tick(T0 + 21 * MIN)).toEqual([]);
    expect(run.tick(T0 + 22 * MIN).map((t) => t.state)).toEqual(['resolved']);
    expect(run.states()).toEqual(['hue-1:firing', 'hue-1:resolved']);
  });

  it('reads booleans as 0/1 (VMS SOS) and fires at once without a pending period', () => {
    const run = new Run(rule(VESSEL_SOS));
    const tags = { vessel: 'TTH-90123-TS', source: 'vms' };
    expect(run.point(T0, tags, { lat: 16.7, lon: 107.8 })).toEqual([]);
    expect(run.point(T0 + 1000, tags, { sos: true })).toMatchObject([
      { state: 'firing', value: 1, message: 'SOS from TTH-90123-TS' },
    ]);
    expect(run.point(T0 + 2000, tags, { sos: false })).toMatchObject([{ state: 'resolved', value: 0 }]);
  });

  it('fires outside a range (pH below 6.0 or above 8.5) and clears back inside with its own margins', () => {
    const run = new Run(
      rule({
        kind: 'threshold',
        id: 'water-ph',
        department: 'environment',
        severity: 'warning',
        measurement: 'environment',
        groupBy: ['station'],
        field: 'ph',
        above: 8.5,
        below: 6.0,
        clearBelow: 8.4,
        clearAbove: 6.1,
        message: 'pH {value}',
      }),
    );
    const w = { station: 'huong-river', medium: 'water' };
    run.point(T0, w, { ph: 7.2 });
    run.point(T0 + 1, w, { ph: 5.9 });
    run.point(T0 + 2, w, { ph: 6.05 });
    run.point(T0 + 3, w, { ph: 6.2 });
    run.point(T0 + 4, w, { ph: 8.6 });
    run.point(T0 + 5, w, { ph: 8.45 });
    run.point(T0 + 6, w, { ph: 8.3 });
    expect(run.states()).toEqual([
      'huong-river:firing',
      'huong-river:resolved',
      'huong-river:firing',
      'huong-river:resolved',
    ]);
  });

  it('ignores points outside `where`, without a groupBy tag, or without the field; keeps entities apart', () => {
    const run = new Run(rule({ ...PM25, for: 0 }));
    run.point(T0, { station: 'hue-1', medium: 'water' }, { pm25: 99 });
    run.point(T0, { medium: 'air' }, { pm25: 99 });
    run.point(T0, air, { temp_c: 31 });
    expect(run.transitions).toEqual([]);
    run.point(T0, air, { pm25: 70 });
    run.point(T0, { station: 'hue-2', medium: 'air' }, { pm25: 70 });
    expect(run.states()).toEqual(['hue-1:firing', 'hue-2:firing']);
  });

  it('filters on registry attributes of the entity (vessels of 15 m and more)', () => {
    const registry = new Registry([
      { id: 'TTH-1-TS', kind: 'vessel', lengthM: 17 },
      { id: 'TTH-2-TS', kind: 'vessel', lengthM: 12 },
    ]);
    const run = new Run(
      rule({
        kind: 'threshold',
        id: 'fast-large',
        department: 'fisheries',
        severity: 'info',
        measurement: 'vessel_position',
        where: { registry: { lengthM: { gte: 15 } } },
        groupBy: ['vessel'],
        field: 'sog_kn',
        above: 10,
        message: '{vessel} {value} kn',
      }),
      { device: (id) => registry.get(id) },
    );
    for (const vessel of ['TTH-1-TS', 'TTH-2-TS', 'mmsi:574000001'])
      run.point(T0, { vessel, source: 'vms' }, { sog_kn: 12 });
    expect(run.states()).toEqual(['TTH-1-TS:firing']);
  });
});
