/**
 * The zone rules' shortcut (alerts/kinds/zone.ts `surelyStillClear`): an inactive entity that has not
 * moved farther than its distance to the boundary skips the geometry. Random walks around the test
 * square give the same transitions as the same walks measured in full at every step (a fresh geometry
 * object per step: the shortcut's memory is keyed by the geometry, so it never applies there).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluatePoint, newRuleState } from '../../alerts/engine.ts';
import type { LoadedRule, Transition } from '../../alerts/types.ts';
import { MIN, point, rule, SQUARE_ZONE_RULE, T0 } from './support.ts';

const base = SQUARE_ZONE_RULE;

const VARIANTS = [
  { id: 'enter', trigger: 'enter' },
  { id: 'exit', trigger: 'exit', clearMarginKm: 0.2 },
  { id: 'inside', trigger: 'inside', clearMarginKm: 0.5, for: '10m' },
  { id: 'approach-exit', trigger: 'exit', approachKm: 5, clearMarginKm: 0.5 },
  { id: 'approach-enter', trigger: 'enter', approachKm: 2 },
] as const;

const VESSELS = ['TTH-1-TS', 'TTH-2-TS'];

/** Steps of up to ~2 km from a start within ~15 km of the square (0.2° a side, centred 17 N 108 E). */
const walk = fc.record({
  start: fc.tuple(
    fc.double({ min: 16.8, max: 17.2, noNaN: true }),
    fc.double({ min: 107.8, max: 108.2, noNaN: true }),
  ),
  steps: fc.array(
    fc.tuple(
      fc.integer({ min: 0, max: 1 }),
      fc.double({ min: -0.02, max: 0.02, noNaN: true }),
      fc.double({ min: -0.02, max: 0.02, noNaN: true }),
    ),
    { minLength: 100, maxLength: 300 },
  ),
});

type Walk = typeof walk extends fc.Arbitrary<infer W> ? W : never;
type Geometry = NonNullable<LoadedRule['geometry']>;

/** A copy of the geometry that counts the full measurements (`contains` reads `bbox` once per call). */
function counted(geometry: Geometry): { geometry: Geometry; measured: () => number } {
  let reads = 0;
  const copy = { polygons: geometry.polygons } as Geometry;
  Object.defineProperty(copy, 'bbox', {
    get: () => {
      reads++;
      return geometry.bbox;
    },
  });
  return { geometry: copy, measured: () => reads };
}

/** The transitions of a walk, and how many positions were measured in full. */
function replay(loaded: LoadedRule, fresh: boolean, w: Walk) {
  const state = newRuleState();
  const at = VESSELS.map(() => [...w.start]);
  const out: Transition[] = [];
  const kept = counted(loaded.geometry as Geometry);
  w.steps.forEach(([who, dLat, dLon], i) => {
    const pos = at[who] as number[];
    pos[0] = (pos[0] as number) + dLat;
    pos[1] = (pos[1] as number) + dLon;
    const ms = T0 + i * MIN;
    const geometry = fresh ? { ...(loaded.geometry as Geometry) } : kept.geometry;
    const tags = { vessel: VESSELS[who] as string };
    const p = point('vessel_position', tags, { lat: pos[0] as number, lon: pos[1] as number }, ms);
    out.push(...evaluatePoint({ ...loaded, geometry }, state, p, ms, {}).transitions);
  });
  return { transitions: out.map((t) => `${t.transitionId} ${t.value}`), measured: kept.measured() };
}

describe('zone shortcut', () => {
  it.each(VARIANTS)('$id: the same transitions as measuring every position in full', (variant) => {
    const loaded = rule({ ...base, ...variant });
    let walksWithTransitions = 0;
    let positions = 0;
    let measured = 0;
    fc.assert(
      fc.property(walk, (w) => {
        const full = replay(loaded, true, w);
        const quick = replay(loaded, false, w);
        if (full.transitions.length > 0) walksWithTransitions++;
        positions += w.steps.length;
        measured += quick.measured;
        expect(quick.transitions).toEqual(full.transitions);
      }),
      { numRuns: 200, seed: 20261125 },
    );
    // The walks reach the lines, and the shortcut took most positions: both paths were compared.
    expect(walksWithTransitions).toBeGreaterThan(5);
    expect(measured).toBeLessThan(positions * 0.8);
  });

  it('measures again when the state did not come from its own last measurement (restored, another hub)', () => {
    const loaded = rule({ ...base, id: 'enter', trigger: 'enter' });
    const state = newRuleState();
    const tags = { vessel: 'TTH-1-TS' };
    const at = (lat: number, ms: number) =>
      evaluatePoint(loaded, state, point('vessel_position', tags, { lat, lon: 108.0 }, ms), ms, {});
    expect(at(17.0, T0).transitions).toEqual([]); // first seen inside: measured, nothing crossed
    // Another hub led meanwhile and last saw the vessel outside: the state says so now.
    const entity = state.entities.get('TTH-1-TS');
    state.entities.set('TTH-1-TS', { ...(entity as NonNullable<typeof entity>), side: 'out' });
    expect(at(17.0001, T0 + MIN).transitions.map((t) => t.state)).toEqual(['firing']);
  });
});
