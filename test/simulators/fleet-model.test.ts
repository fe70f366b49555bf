/**
 * The fleet simulator's pure parts: who is in the fleet, and how they move. Continuity is checked the
 * way the hub sees a track: no two successive positions further apart than the vessel's speed allows.
 */
import { describe, expect, it } from 'vitest';
import { DeviceSchema } from '../../ingest/registry.ts';
import { distanceM, KN_TO_MPS } from '../../simulators/common/geo.ts';
import {
  boundaryFromGeoJson,
  boundaryToGeoJson,
  defaultOuterBoundary,
  insideBoundary,
} from '../../simulators/fleet/boundary.ts';
import {
  fromCoastFrame,
  INSHORE_LIMIT_KM,
  MIDSHORE_LIMIT_KM,
  offshoreKm,
} from '../../simulators/fleet/geography.ts';
import { FleetModel, type VesselState } from '../../simulators/fleet/motion.ts';
import { fleetRegistry, planFleet, type VesselSpec } from '../../simulators/fleet/vessels.ts';

const HOUR = 3_600_000;
const SCENARIOS = { vessels: 30, silent: 1, drift: 1, midshoreViolation: 1, sos: 1 };

/** Steps the model `hours` of simulated time in `dtMs` steps, calling `visit` with each step's states. */
function run(
  model: FleetModel,
  hours: number,
  dtMs: number,
  visit: (prev: VesselState[], cur: VesselState[]) => void,
): VesselState[] {
  let prev = model.states();
  for (let t = 0; t < hours * HOUR; t += dtMs) {
    const cur = model.step(dtMs);
    visit(prev, cur);
    prev = cur;
  }
  return prev;
}

describe('planFleet', () => {
  const fleet = planFleet(SCENARIOS);

  it('names vessels by registration number and Vietnamese MMSI, all distinct', () => {
    for (const v of fleet) {
      expect(v.id).toMatch(/^TTH-9\d{4}-TS$/);
      expect(String(v.mmsi)).toMatch(/^574\d{6}$/);
    }
    expect(new Set(fleet.map((v) => v.id)).size).toBe(fleet.length);
    expect(new Set(fleet.map((v) => v.mmsi)).size).toBe(fleet.length);
  });

  it('mixes the three length classes and gives every ≥ 15 m vessel a VMS terminal', () => {
    const classes = new Set(fleet.map((v) => v.lengthClass));
    expect(classes).toEqual(new Set(['inshore', 'midshore', 'offshore']));
    for (const v of fleet.filter((x) => x.lengthM >= 15)) {
      expect(v.channels.vms).toBe(true);
      expect(v.terminal).toMatch(/^VMS-\d{6}$/);
      expect(v.aisClass).toBe('A');
    }
    for (const v of fleet) {
      expect(v.cruiseKn).toBeGreaterThanOrEqual(7);
      expect(v.cruiseKn).toBeLessThanOrEqual(10);
    }
  });

  it('puts each scenario on its own ≥ 15 m vessel (SOS on any)', () => {
    const by = (s: VesselSpec['scenario']) => fleet.filter((v) => v.scenario === s);
    expect(by('silent')).toHaveLength(1);
    expect(by('drift')).toHaveLength(1);
    expect(by('midshore-violation')).toHaveLength(1);
    expect(by('sos')).toHaveLength(1);
    for (const v of [...by('silent'), ...by('drift'), ...by('midshore-violation')]) {
      expect(v.lengthM).toBeGreaterThanOrEqual(15);
    }
  });

  it('is reproducible from its seed, and another seed gives another fleet', () => {
    expect(planFleet(SCENARIOS)).toEqual(fleet);
    expect(planFleet({ ...SCENARIOS, seed: 2 }).map((v) => v.id)).not.toEqual(fleet.map((v) => v.id));
  });

  it('refuses more scenario vessels than vessels', () => {
    expect(() => planFleet({ vessels: 2, silent: 2, sos: 1 })).toThrow(/3 scenario vessels/);
  });

  it('gives registry entries the hub accepts, with secret hashes when secrets are given', () => {
    const entries = fleetRegistry({
      ...SCENARIOS,
      secrets: { [fleet[0]!.id]: 's3cret', 'ais-thuan-an': 'x' },
    });
    for (const e of entries) expect(DeviceSchema.safeParse(e).success).toBe(true);
    expect(entries).toHaveLength(fleet.length + 1);
    expect(entries[0]).toMatchObject({ id: fleet[0]!.id, kind: 'vessel', mmsi: fleet[0]!.mmsi });
    expect(entries[0]!.secretHash).toMatch(/^[0-9a-f]{64}$/);
    expect(entries[1]!.secretHash).toBeUndefined();
    expect(entries.at(-1)).toMatchObject({
      id: 'ais-thuan-an',
      kind: 'gateway',
      publish: ['ais/ais-thuan-an'],
    });
  });
});

describe('FleetModel', () => {
  const specs = planFleet(SCENARIOS);

  it('never moves a vessel faster than its speed allows (an hour at speedup 60, 12 s steps)', () => {
    const model = new FleetModel(specs, { seed: 7 });
    const dt = 12_000; // a 200 ms tick at speedup 60
    let moved = 0;
    run(model, 1, dt, (prev, cur) => {
      cur.forEach((s, i) => {
        const d = distanceM(prev[i]!, s);
        if (d > 0) moved++;
        expect(d).toBeLessThanOrEqual(model.maxSpeedKn(s.id) * KN_TO_MPS * (dt / 1000) + 0.01);
      });
    });
    expect(moved).toBeGreaterThan(specs.length * 100);
  });

  it('steams at 7–10 kn, fishes at 0–3 kn', () => {
    const model = new FleetModel(specs, { seed: 3 });
    const seen = { steaming: 0, fishing: 0 };
    run(model, 6, 60_000, (_, cur) => {
      for (const s of cur) {
        if (s.phase === 'outbound' || s.phase === 'returning') {
          seen.steaming++;
          expect(s.sogKn).toBeGreaterThanOrEqual(6.4);
          expect(s.sogKn).toBeLessThanOrEqual(10);
        }
        if (s.phase === 'fishing') {
          seen.fishing++;
          expect(s.sogKn).toBeLessThanOrEqual(3);
        }
      }
    });
    expect(seen.steaming).toBeGreaterThan(0);
    expect(seen.fishing).toBeGreaterThan(0);
  });

  it('fishes in the zone of the length class (Decree 26/2019 art. 43); the violation vessel inside 24 nm', () => {
    const model = new FleetModel(specs, { seed: 11 });
    const fishingKm = new Map<string, number[]>();
    run(model, 24, 60_000, (_, cur) => {
      cur.forEach((s, i) => {
        const spec = specs[i]!;
        if (s.phase !== 'fishing' || spec.scenario === 'drift') return;
        const key = spec.scenario === 'midshore-violation' ? 'violation' : spec.lengthClass;
        fishingKm.set(key, [...(fishingKm.get(key) ?? []), offshoreKm(s)]);
      });
    });
    const range = (k: string) => {
      const km = fishingKm.get(k) ?? [];
      expect(km.length).toBeGreaterThan(0);
      return [Math.min(...km), Math.max(...km)];
    };
    expect(range('inshore')[1]).toBeLessThan(INSHORE_LIMIT_KM);
    const [midLo, midHi] = range('midshore');
    expect(midLo).toBeGreaterThan(INSHORE_LIMIT_KM);
    expect(midHi).toBeLessThan(MIDSHORE_LIMIT_KM);
    expect(range('offshore')[0]).toBeGreaterThan(MIDSHORE_LIMIT_KM);
    expect(range('violation')[1]).toBeLessThan(MIDSHORE_LIMIT_KM);
  });

  it('makes the drift vessel, and only it, cross the outer boundary', () => {
    const boundary = defaultOuterBoundary();
    const model = new FleetModel(specs, { seed: 5, boundary });
    const outside = new Set<string>();
    run(model, 8, 60_000, (_, cur) => {
      for (const s of cur) if (!insideBoundary(boundary, s)) outside.add(s.id);
    });
    expect([...outside]).toEqual(specs.filter((v) => v.scenario === 'drift').map((v) => v.id));
  });

  it('crosses a boundary given as GeoJSON (the alerts zone file) instead of the default', () => {
    // A 100 km band, written and read back as a GeoJSON FeatureCollection with another polygon in it.
    const near = boundaryToGeoJson({ ...defaultOuterBoundary(100), name: 'outer-boundary' });
    const inshore = boundaryToGeoJson({ ...defaultOuterBoundary(11), name: 'inshore' });
    const boundary = boundaryFromGeoJson({ type: 'FeatureCollection', features: [inshore, near] });
    expect(boundary.name).toBe('outer-boundary');
    const model = new FleetModel(specs, { seed: 5, boundary });
    const drift = specs.findIndex((v) => v.scenario === 'drift');
    const start = model.states()[drift]!;
    expect(insideBoundary(boundary, start)).toBe(true);
    expect(offshoreKm(start)).toBeGreaterThan(80);
    expect(offshoreKm(start)).toBeLessThan(100);
    const end = run(model, 6, 60_000, () => {});
    expect(insideBoundary(boundary, end[drift]!)).toBe(false);
    // Ordinary offshore grounds keep ≥ 20 km inside a nearer boundary.
    end.forEach((s, i) => {
      if (i !== drift) expect(insideBoundary(boundary, s)).toBe(true);
    });
    expect(insideBoundary(boundary, fromCoastFrame({ alongKm: 50, offshoreKm: 101 }))).toBe(false);
  });

  it('silences the silent vessel and raises the SOS after their delays, at sea', () => {
    const model = new FleetModel(specs, { seed: 5, silentAfterMs: 30 * 60_000, sosAfterMs: 20 * 60_000 });
    const silent = specs.findIndex((v) => v.scenario === 'silent');
    const sos = specs.findIndex((v) => v.scenario === 'sos');
    const at = (minutes: number) => {
      const s = model.step(minutes * 60_000 - model.elapsedMs);
      return { silent: s[silent]!, sos: s[sos]! };
    };
    const early = at(19);
    expect(early.silent.reporting).toBe(true);
    expect(early.sos.sos).toBe(false);
    const mid = at(21);
    expect(mid.sos).toMatchObject({ sos: true, phase: 'distress', atSea: true });
    expect(mid.silent.reporting).toBe(true);
    const late = at(31);
    expect(late.silent).toMatchObject({ reporting: false, atSea: true });
    expect(model.states().filter((s) => !s.reporting)).toHaveLength(1);
  });

  it('is reproducible: the same seed gives the same tracks, another seed other tracks', () => {
    const a = new FleetModel(specs, { seed: 9 });
    const b = new FleetModel(specs, { seed: 9 });
    const c = new FleetModel(specs, { seed: 10 });
    for (let i = 0; i < 50; i++) {
      a.step(60_000);
      b.step(60_000);
      c.step(60_000);
    }
    expect(a.states()).toEqual(b.states());
    expect(a.states()).not.toEqual(c.states());
  });
});
