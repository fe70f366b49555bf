/**
 * The fleet's motion model: pure and seeded, advanced by `step(dtMs)` in simulated time. Each vessel
 * cycles port → outbound (steaming 7–10 kn) → fishing (0–3 kn, erratic, around a ground in its
 * length class's zone) → returning → port. Scenario vessels start at sea and go silent, drift across
 * the outer boundary, fish inside 24 nm while ≥ 15 m, or raise an SOS (scenarios.ts).
 *
 * Continuity is by construction: a vessel moves at most its speed × dt per substep, and every speed
 * is at most the vessel's cruise speed, so no two positions are further apart than that allows.
 */
import { bearingDeg, destination, distanceM, KN_TO_MPS, type LatLon, normalizeDeg } from '../common/geo.ts';
import { definedOnly } from '../common/objects.ts';
import { Random } from '../common/random.ts';
import { type Boundary, defaultOuterBoundary } from './boundary.ts';
import { HOME_PORTS } from './geography.ts';
import { applyScenarioTriggers, drift, type ScenarioSettings, startScenario } from './scenarios.ts';
import {
  type Band,
  fishingDurationMs,
  GROUND_RADIUS_KM,
  HOUR,
  MINUTE,
  moveVessel,
  nearGround,
  pickGround,
  startFishingAt,
  type Vessel,
  type VesselState,
} from './vessel.ts';
import type { VesselSpec } from './vessels.ts';

export type { Phase, VesselState } from './vessel.ts';

export interface FleetModelOptions {
  seed?: number | string;
  /** The drift scenario crosses it; offshore grounds stay ≥ 20 km inside it. */
  boundary?: Boundary;
  /** Start some vessels at sea, at random points of their trip (default true): the demo shows a fleet at once. */
  spread?: boolean;
  /** Simulated time after which silent-scenario vessels stop reporting (default 30 min). */
  silentAfterMs?: number;
  /** Simulated time after which SOS-scenario vessels raise the SOS (default 20 min). */
  sosAfterMs?: number;
  /** How far inside the boundary the drifting vessel starts (default 15 km). */
  driftStartKm?: number;
  /** Drift speed (wind and current after an engine failure), kn (default 3). */
  driftKn?: number;
}

export const MOTION_DEFAULTS = {
  spread: true,
  silentAfterMs: 30 * 60_000,
  sosAfterMs: 20 * 60_000,
  driftStartKm: 15,
  driftKn: 3,
} as const;

/** The longest substep: fishing manoeuvres and arrivals resolve at this granularity. */
const MAX_SUBSTEP_MS = 10_000;

export class FleetModel {
  readonly #vessels: Vessel[];
  readonly #boundary: Boundary;
  readonly #opts: Required<Omit<FleetModelOptions, 'boundary' | 'seed'>>;
  readonly #scenario: ScenarioSettings;
  /** Simulated time since the model started, ms. */
  elapsedMs = 0;

  constructor(specs: readonly VesselSpec[], opts: FleetModelOptions = {}) {
    this.#boundary = opts.boundary ?? defaultOuterBoundary();
    this.#opts = { ...MOTION_DEFAULTS, ...definedOnly(opts) };
    this.#scenario = { ...this.#opts, boundary: this.#boundary };
    const rng = new Random(opts.seed ?? 1).fork('motion');
    this.#vessels = specs.map((spec) => this.#init(spec, rng.fork(spec.id)));
  }

  /** The fastest any vessel of the fleet moves, kn: the bound continuity checks use. */
  maxSpeedKn(id: string): number {
    const v = this.#vessels.find((x) => x.spec.id === id);
    if (!v) throw new RangeError(`unknown vessel ${id}`);
    return Math.max(v.spec.cruiseKn, this.#opts.driftKn + 0.5);
  }

  states(): VesselState[] {
    return this.#vessels.map((v) => ({
      id: v.spec.id,
      lat: v.pos.lat,
      lon: v.pos.lon,
      sogKn: v.sogKn,
      cogDeg: v.cogDeg,
      headingDeg: v.headingDeg,
      phase: v.phase,
      atSea: v.phase !== 'port',
      reporting: v.reporting,
      sos: v.sos,
    }));
  }

  /** Advances the simulated world by `dtMs` of simulated time and returns the new states. */
  step(dtMs: number): VesselState[] {
    let left = dtMs;
    while (left > 0) {
      const dt = Math.min(left, MAX_SUBSTEP_MS);
      this.elapsedMs += dt;
      for (const v of this.#vessels) this.#advance(v, dt);
      left -= dt;
    }
    return this.states();
  }

  #init(spec: VesselSpec, rng: Random): Vessel {
    const port = HOME_PORTS[spec.homePort];
    const berth = destination(port, rng.range(0, 360), rng.range(20, 300));
    const band: Band = spec.scenario === 'midshore-violation' ? 'violation' : spec.lengthClass;
    const v: Vessel = {
      spec,
      rng,
      band,
      berth,
      pos: berth,
      sogKn: 0,
      cogDeg: 0,
      headingDeg: 0,
      phase: 'port',
      ground: berth,
      phaseEndsAt: rng.range(0, 30 * MINUTE),
      nextManoeuvreAt: 0,
      silentAt: Number.POSITIVE_INFINITY,
      sosAt: Number.POSITIVE_INFINITY,
      reporting: true,
      sos: false,
    };
    v.ground = pickGround(v, this.#boundary);
    if (!startScenario(v, this.#scenario, this.elapsedMs) && this.#opts.spread) this.#spread(v);
    return v;
  }

  /** Puts an ordinary vessel at a random point of its trip, so the fleet is at sea from the start. */
  #spread(v: Vessel): void {
    const r = v.rng.next();
    const f = v.rng.range(0.1, 0.9);
    const along = (from: LatLon, to: LatLon): LatLon =>
      destination(from, bearingDeg(from, to), distanceM(from, to) * f);
    if (r < 0.25) {
      v.phaseEndsAt = v.rng.range(0, 2 * HOUR);
    } else if (r < 0.5) {
      v.phase = 'outbound';
      v.pos = along(v.berth, v.ground);
      v.sogKn = v.spec.cruiseKn;
      v.cogDeg = bearingDeg(v.pos, v.ground);
    } else if (r < 0.85) {
      startFishingAt(v, nearGround(v), this.elapsedMs);
      v.phaseEndsAt = fishingDurationMs(v) * v.rng.next();
    } else {
      v.phase = 'returning';
      v.pos = along(v.ground, v.berth);
      v.sogKn = v.spec.cruiseKn;
      v.cogDeg = bearingDeg(v.pos, v.berth);
    }
    v.headingDeg = Math.round(v.cogDeg) % 360;
  }

  #advance(v: Vessel, dt: number): void {
    const now = this.elapsedMs;
    applyScenarioTriggers(v, now);
    switch (v.phase) {
      case 'port':
        v.sogKn = 0;
        if (now >= v.phaseEndsAt) {
          v.ground = pickGround(v, this.#boundary);
          v.phase = 'outbound';
          v.sogKn = v.spec.cruiseKn;
          v.nextManoeuvreAt = now;
        }
        return;
      case 'outbound':
        if (this.#steer(v, v.ground, dt)) startFishingAt(v, v.pos, now);
        return;
      case 'returning':
        if (this.#steer(v, v.berth, dt)) {
          v.phase = 'port';
          v.sogKn = 0;
          v.phaseEndsAt = now + v.rng.range(1, 5) * HOUR;
        }
        return;
      case 'fishing':
        if (now >= v.phaseEndsAt) {
          v.phase = 'returning';
          v.sogKn = v.spec.cruiseKn;
          v.nextManoeuvreAt = now;
          return;
        }
        this.#fish(v, dt, GROUND_RADIUS_KM[v.band]);
        return;
      case 'drifting':
        drift(v, dt, this.#scenario, now);
        return;
      case 'distress':
        if (now >= v.nextManoeuvreAt) {
          v.sogKn = v.rng.range(0, 0.8);
          v.cogDeg = normalizeDeg(v.cogDeg + v.rng.normal(0, 20));
          v.nextManoeuvreAt = now + v.rng.range(5, 15) * MINUTE;
        }
        moveVessel(v, dt);
    }
  }

  /** Steams toward a target; true on arrival (the vessel stops on it rather than overshooting). */
  #steer(v: Vessel, target: LatLon, dt: number): boolean {
    if (this.elapsedMs >= v.nextManoeuvreAt) {
      v.sogKn = v.spec.cruiseKn - v.rng.range(0, 0.6);
      v.nextManoeuvreAt = this.elapsedMs + v.rng.range(1, 3) * MINUTE;
    }
    const remaining = distanceM(v.pos, target);
    const travel = v.sogKn * KN_TO_MPS * (dt / 1000);
    v.cogDeg = bearingDeg(v.pos, target);
    if (remaining <= travel) {
      v.pos = target;
      return true;
    }
    // A little helm noise, bounded so the track still converges on the target.
    v.cogDeg = normalizeDeg(v.cogDeg + v.rng.normal(0, 1.5));
    moveVessel(v, dt);
    return false;
  }

  /** Slow and erratic; turns back toward the ground when it has wandered too far from it. */
  #fish(v: Vessel, dt: number, radiusKm: number): void {
    if (this.elapsedMs >= v.nextManoeuvreAt) {
      v.sogKn = v.rng.chance(0.2) ? v.rng.range(0, 0.3) : v.rng.range(0.5, 3);
      const away = distanceM(v.pos, v.ground) / 1000;
      v.cogDeg =
        away > radiusKm
          ? normalizeDeg(bearingDeg(v.pos, v.ground) + v.rng.normal(0, 20))
          : v.rng.range(0, 360);
      v.nextManoeuvreAt = this.elapsedMs + v.rng.range(2, 10) * MINUTE;
    }
    moveVessel(v, dt);
  }
}
