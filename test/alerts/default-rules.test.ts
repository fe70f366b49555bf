import { describe, expect, it } from 'vitest';
import { AlertsConfigSchema } from '../../alerts/config.ts';
import { evaluatePoint, newRuleState, tickRule } from '../../alerts/engine.ts';
import { DEFAULT_RULES_FILE, loadRules, readRulesFile } from '../../alerts/rule-loader.ts';
import type { LoadedRule, RuleState, Transition } from '../../alerts/types.ts';
import type { FieldValue } from '../../ingest/point.ts';
import { Registry } from '../../ingest/registry.ts';
import { HOUR, MIN, point, T0 } from './support.ts';

const { rules } = loadRules({ rules: [], timeScale: 1 }, '/nonexistent');
const registry = new Registry([{ id: 'TTH-BIG-TS', kind: 'vessel', lengthM: 18 }]);

/** Runs the whole bundled rule set over points (at `ms`) and ticks; returns `rule entity state` lines. */
function runDefaults(
  steps: Array<[number, string, Record<string, string>, Record<string, FieldValue>] | [number]>,
  atSea = true,
) {
  const states = new Map<string, RuleState>(rules.map((r) => [r.id, newRuleState()]));
  const ctx = { device: (id: string) => registry.get(id), atSea: () => atSea };
  const out: Transition[] = [];
  for (const step of steps) {
    const [ms, measurement, tags, fields] = step;
    for (const rule of rules as LoadedRule[]) {
      const state = states.get(rule.id) as RuleState;
      if (measurement && tags && fields)
        out.push(...evaluatePoint(rule, state, point(measurement, tags, fields, ms), ms, ctx).transitions);
      else out.push(...tickRule(rule, state, ms, ctx).transitions);
    }
  }
  return out.map((t) => `${t.rule} ${t.entity} ${t.state}`);
}

describe('the bundled Hue rule set', () => {
  it('loads, with sources, and covers every alert the issue asks for', () => {
    expect(rules.map((r) => r.id)).toEqual([
      'aqi-poor',
      'aqi-bad',
      'aqi-very-bad',
      'pm25-high',
      'water-ph-out-of-range',
      'water-do-low',
      'water-cod-high',
      'water-nh4-high',
      'vms-silent-6h',
      'vms-silent-10d',
      'vms-sos',
      'vessel-approaching-boundary',
      'vessel-crossed-boundary',
      'large-vessel-in-midshore',
      'camera-congestion',
      'station-silent',
      'modbus-device-down',
    ]);
    expect(rules.every((r) => r.source && r.messageVi)).toBe(true);
  });

  it('a parsed alerts config parses again to itself (the hub may validate twice)', () => {
    const input = {
      rulesFile: 'x.yaml',
      rules: [{ ...readRulesFile(DEFAULT_RULES_FILE)[8] }],
      mutes: [{ department: 'fisheries', to: '2025-03-02T00:00:00+07:00', reason: 'drill' }],
    };
    const once = AlertsConfigSchema.parse(input);
    expect(AlertsConfigSchema.parse(once)).toEqual(once);
    expect(once.rules[0]).toMatchObject({
      id: 'vms-silent-6h',
      after: 6 * HOUR,
      where: { source: ['vms', 'nmea'] },
    });
  });

  it('divides every duration by timeScale (the demo speed-up)', () => {
    const fast = loadRules({ rules: [], timeScale: 60 }, '/nonexistent').rules;
    const byId = new Map(fast.map((r) => [r.id, r]));
    expect(byId.get('vms-silent-6h')).toMatchObject({ after: 6 * MIN });
    expect(byId.get('pm25-high')).toMatchObject({ for: 15_000 });
    expect(byId.get('camera-congestion')).toMatchObject({ window: 5000 });
  });

  it('air: stacked VN_AQI tiers after 10 min; water: QCVN 08:2023 class C limits', () => {
    const air = { station: 'hue-1', medium: 'air' };
    const water = { station: 'huong-1', medium: 'water' };
    expect(
      runDefaults([
        [T0, 'environment', air, { aqi: 160, pm25: 40 }],
        [T0, 'environment', water, { ph: 5.8, do_mgl: 3.5, cod_mgl: 12, nh4_mgl: 0.35 }],
        [T0 + 31 * MIN],
      ]).filter((l) => l.endsWith('firing')),
    ).toEqual([
      'aqi-poor hue-1 firing',
      'aqi-bad hue-1 firing',
      'water-ph-out-of-range huong-1 firing',
      'water-do-low huong-1 firing',
      'water-nh4-high huong-1 firing',
      'station-silent hue-1 firing',
      'station-silent huong-1 firing',
      'modbus-device-down hue-1 firing',
      'modbus-device-down huong-1 firing',
    ]);
  });

  it('VMS: silence at sea at 6 h and 10 days, SOS, approaching and crossing the boundary, ≥ 15 m in mid-shore', () => {
    const vms = (vessel: string) => ({ vessel, source: 'vms' });
    const lines = runDefaults([
      [T0, 'vessel_position', vms('TTH-QUIET-TS'), { lat: 17.0, lon: 108.3 }],
      [T0, 'vessel_position', vms('TTH-SOS-TS'), { lat: 16.9, lon: 107.9, sos: true }],
      [T0, 'vessel_position', vms('TTH-NORTH-TS'), { lat: 17.2, lon: 108.5 }],
      [T0 + MIN, 'vessel_position', vms('TTH-NORTH-TS'), { lat: 17.36, lon: 108.5 }],
      [T0 + 2 * MIN, 'vessel_position', vms('TTH-NORTH-TS'), { lat: 17.45, lon: 108.5 }],
      [T0, 'vessel_position', vms('TTH-BIG-TS'), { lat: 16.75, lon: 107.85 }],
      [T0 + 5 * HOUR, 'vessel_position', vms('TTH-BIG-TS'), { lat: 16.76, lon: 107.86 }],
      [T0 + 10 * 24 * HOUR + HOUR],
    ]);
    expect(lines).toEqual([
      'vms-sos TTH-SOS-TS firing',
      'vessel-approaching-boundary TTH-NORTH-TS firing',
      'vessel-approaching-boundary TTH-NORTH-TS resolved',
      'vessel-crossed-boundary TTH-NORTH-TS firing',
      'large-vessel-in-midshore TTH-BIG-TS pending',
      'large-vessel-in-midshore TTH-BIG-TS firing',
      'vms-silent-6h TTH-QUIET-TS firing',
      'vms-silent-6h TTH-SOS-TS firing',
      'vms-silent-6h TTH-NORTH-TS firing',
      'vms-silent-6h TTH-BIG-TS firing',
      'vms-silent-10d TTH-QUIET-TS firing',
      'vms-silent-10d TTH-SOS-TS firing',
      'vms-silent-10d TTH-NORTH-TS firing',
    ]);
  });

  it('cameras: congestion above 30 new cars in 5 min on one camera', () => {
    const steps = Array.from(
      { length: 31 },
      (_, i) =>
        [
          T0 + i * 5000,
          'camera_event',
          { camera: 'truong-tien', label: 'car', type: 'new' },
          { event_id: `e${i}` },
        ] as [number, string, Record<string, string>, Record<string, FieldValue>],
    );
    expect(runDefaults(steps)).toEqual(['camera-congestion truong-tien firing']);
  });
});
