import { describe, expect, it } from 'vitest';
import { seedSilence } from '../../alerts/kinds/silence.ts';
import type { SilenceRule } from '../../alerts/rule-schema.ts';
import { VESSEL_SILENT_6H, VESSEL_SILENT_VI, VMS_OR_NMEA } from './rules.ts';
import { HOUR, MIN, Run, rule, T0 } from './support.ts';

const VMS_6H = { ...VESSEL_SILENT_6H, where: VMS_OR_NMEA, messageVi: VESSEL_SILENT_VI };

const vessel = { vessel: 'TTH-90123-TS', source: 'vms' };
const fix = { lat: 16.9, lon: 107.9, sog_kn: 6 };

describe('silence rules', () => {
  it('fires `after` the last point was received; the episode starts when the entity went silent', () => {
    const run = new Run(rule(VMS_6H));
    run.point(T0, vessel, fix);
    expect(run.tick(T0 + 6 * HOUR - 1)).toEqual([]);
    const [firing] = run.tick(T0 + 6 * HOUR + 5 * MIN);
    expect(firing).toMatchObject({
      state: 'firing',
      transitionId: `vms-silent-6h:TTH-90123-TS:firing:${T0 + 6 * HOUR}`,
      startedAtMs: T0 + 6 * HOUR,
      value: 365,
      message: 'TTH-90123-TS silent for 6h5m',
      messageVi: 'Tàu TTH-90123-TS mất tín hiệu 6h5m',
    });
    expect(run.tick(T0 + 7 * HOUR)).toEqual([]);
    expect(run.point(T0 + 8 * HOUR, vessel, fix)).toMatchObject([
      {
        state: 'resolved',
        from: 'firing',
        transitionId: `vms-silent-6h:TTH-90123-TS:resolved:${T0 + 6 * HOUR}`,
      },
    ]);
  });

  it('a report without a fix (no lat/lon) does not reset the timer; other sources do not count', () => {
    const run = new Run(rule(VMS_6H));
    run.point(T0, vessel, fix);
    run.point(T0 + 3 * HOUR, vessel, { sog_kn: 0, seq: 41 });
    run.point(T0 + 4 * HOUR, { ...vessel, source: 'ais' }, fix);
    expect(run.tick(T0 + 6 * HOUR).map((t) => t.state)).toEqual(['firing']);
  });

  it('`onlyAtSea` fires for a vessel last seen at sea, not for one in port or never placed', () => {
    const atSea = new Map([
      ['AT-SEA', true],
      ['IN-PORT', false],
    ]);
    const run = new Run(rule({ ...VMS_6H, onlyAtSea: true }), { atSea: (v) => atSea.get(v) });
    for (const v of ['AT-SEA', 'IN-PORT', 'UNKNOWN']) run.point(T0, { vessel: v, source: 'nmea' }, fix);
    run.tick(T0 + 7 * HOUR);
    expect(run.states()).toEqual(['AT-SEA:firing']);
    // Heard of (by AIS) back in port: no longer silent at sea.
    atSea.set('AT-SEA', false);
    expect(run.tick(T0 + 8 * HOUR).map((t) => `${t.entity}:${t.state}`)).toEqual(['AT-SEA:resolved']);
  });

  it('a seeded last-seen time (InfluxDB at start) fires at the first tick with the same transition id', () => {
    const loaded = rule(VMS_6H);
    const r = loaded as SilenceRule;
    const run = new Run(loaded);
    const seeded = seedSilence(r, undefined, 'TTH-1-TS', { vessel: 'TTH-1-TS' }, T0 - 9 * HOUR, T0);
    run.state.entities.set('TTH-1-TS', seeded.entity!);
    expect(run.tick(T0)).toMatchObject([
      { state: 'firing', transitionId: `vms-silent-6h:TTH-1-TS:firing:${T0 - 3 * HOUR}`, value: 540 },
    ]);
    // An older seed changes nothing; a newer one (heard meanwhile) ends the episode.
    const older = seedSilence(r, run.state.entities.get('TTH-1-TS'), 'TTH-1-TS', {}, T0 - 10 * HOUR, T0);
    expect(older.transitions).toEqual([]);
    const newer = seedSilence(r, run.state.entities.get('TTH-1-TS'), 'TTH-1-TS', {}, T0 - MIN, T0);
    expect(newer.transitions.map((t) => t.state)).toEqual(['resolved']);
  });
});
