/**
 * The fleet's motion model: pure and seeded, advanced by `step(dtMs)` in simulated time. Each vessel
 * cycles port → outbound (steaming 7–10 kn) → fishing (0–3 kn, erratic, around a ground in its
 * length class's zone) → returning → port. Scenario vessels start at sea and go silent, drift across
 * the outer boundary, fish inside 24 nm while ≥ 15 m, or raise an SOS.
 *
 * Continuity is by construction: a vessel moves at most its speed × dt per substep, and every speed
 * is at most the vessel's cruise speed, so no two positions are further apart than that allows.
 */
import { bearingDeg, destination, distanceM, KN_TO_MPS, type LatLon, normalizeDeg } from '../common/geo.ts';
import { definedOnly } from '../common/objects.ts';
import { Random } from '../common/random.ts';
import { type Boundary, defaultOuterBoundary, firstExit, insideBoundary } from './boundary.ts';
import { fromCoastFrame, HOME_PORTS, SEAWARD_BEARING_DEG, toCoastFrame } from './geography.ts';
import {
  type Band,
  fishingDurationMs,
  GROUND_RADIUS_KM,
  HOUR,
  MINUTE,
  nearGround,
  pickGround,
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
/** Past the boundary, the drifting vessel keeps going this far before it starts fishing there, km. */
const BEYOND_BOUNDARY_KM = 10;

export class FleetModel {
  readonly #vessels: Vessel[];
  readonly #boundary: Boundary;
  readonly #opts: Required<Omit<FleetModelOptions, 'boundary' | 'seed'>>;
  /** Simulated time since the model started, ms. */
  elapsedMs = 0;

  constructor(specs: readonly VesselSpec[], opts: FleetModelOptions = {}) {
    this.#boundary = opts.boundary ?? defaultOuterBoundary();
    this.#opts = { ...MOTION_DEFAULTS, ...definedOnly(opts) };
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
    switch (spec.scenario) {
      case 'silent':
        // A vessel whose link is lost keeps fishing: it does not sail home during the demo.
        this.#startFishingAt(v, nearGround(v));
        v.phaseEndsAt = Number.POSITIVE_INFINITY;
        v.silentAt = this.#opts.silentAfterMs;
        break;
      case 'sos':
        this.#startFishingAt(v, nearGround(v));
        v.phaseEndsAt = Number.POSITIVE_INFINITY;
        v.sosAt = this.#opts.sosAfterMs;
        break;
      case 'midshore-violation':
        this.#startFishingAt(v, nearGround(v));
        break;
      case 'drift':
        this.#startDrift(v);
        break;
      default:
        if (this.#opts.spread) this.#spread(v);
    }
    return v;
  }

  #startFishingAt(v: Vessel, at: LatLon): void {
    v.pos = at;
    v.phase = 'fishing';
    v.sogKn = Math.min(v.sogKn, 2);
    v.phaseEndsAt = this.elapsedMs + fishingDurationMs(v);
    v.nextManoeuvreAt = this.elapsedMs;
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
      this.#startFishingAt(v, nearGround(v));
      v.phaseEndsAt = fishingDurationMs(v) * v.rng.next();
    } else {
      v.phase = 'returning';
      v.pos = along(v.ground, v.berth);
      v.sogKn = v.spec.cruiseKn;
      v.cogDeg = bearingDeg(v.pos, v.berth);
    }
    v.headingDeg = Math.round(v.cogDeg) % 360;
  }

  /** The drifting vessel starts `driftStartKm` inside where the seaward line from its ground leaves the boundary. */
  #startDrift(v: Vessel): void {
    const seaward = (from: LatLon, km: number): LatLon => destination(from, SEAWARD_BEARING_DEG, km * 1000);
    const start = toCoastFrame(v.berth);
    const origin = fromCoastFrame({ alongKm: start.alongKm, offshoreKm: 20 });
    const exit =
      firstExit(this.#boundary, origin, seaward) ?? firstExit(defaultOuterBoundary(), origin, seaward);
    const back = Math.min(this.#opts.driftStartKm, Math.max(0, (exit?.km ?? 0) - 1));
    v.pos = exit ? seaward(origin, exit.km - back) : origin;
    v.ground = v.pos;
    v.phase = 'drifting';
    v.cogDeg = SEAWARD_BEARING_DEG;
    v.sogKn = this.#opts.driftKn;
  }

  #advance(v: Vessel, dt: number): void {
    const now = this.elapsedMs;
    if (now >= v.silentAt) v.reporting = false;
    if (now >= v.sosAt && !v.sos) {
      v.sos = true;
      v.phase = 'distress';
      v.nextManoeuvreAt = now;
    }
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
        if (this.#steer(v, v.ground, dt)) this.#startFishingAt(v, v.pos);
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
        this.#drift(v, dt);
        return;
      case 'distress':
        if (now >= v.nextManoeuvreAt) {
          v.sogKn = v.rng.range(0, 0.8);
          v.cogDeg = normalizeDeg(v.cogDeg + v.rng.normal(0, 20));
          v.nextManoeuvreAt = now + v.rng.range(5, 15) * MINUTE;
        }
        this.#move(v, dt);
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
    this.#move(v, dt);
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
    this.#move(v, dt);
  }

  /** Drifts seaward until well past the boundary, then fishes there (the IUU case the centre acts on). */
  #drift(v: Vessel, dt: number): void {
    if (this.elapsedMs >= v.nextManoeuvreAt) {
      v.sogKn = Math.max(0.5, this.#opts.driftKn + v.rng.range(-0.5, 0.5));
      v.cogDeg = normalizeDeg(SEAWARD_BEARING_DEG + v.rng.normal(0, 10));
      v.nextManoeuvreAt = this.elapsedMs + v.rng.range(5, 15) * MINUTE;
    }
    this.#move(v, dt);
    if (insideBoundary(this.#boundary, v.pos)) v.ground = v.pos;
    else if (distanceM(v.pos, v.ground) > BEYOND_BOUNDARY_KM * 1000) {
      v.ground = v.pos;
      v.phase = 'fishing';
      v.phaseEndsAt = Number.POSITIVE_INFINITY;
    }
  }

  #move(v: Vessel, dt: number): void {
    const metres = v.sogKn * KN_TO_MPS * (dt / 1000);
    if (metres > 0) v.pos = destination(v.pos, v.cogDeg, metres);
    if (v.sogKn >= 0.5) v.headingDeg = Math.round(v.cogDeg) % 360;
  }
}
