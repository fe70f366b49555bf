/**
 * The scenario vessels' behaviour (vessels.ts picks who plays them): they start at sea and go silent,
 * raise an SOS, fish inside 24 nm while ≥ 15 m, or drift across the outer boundary and fish beyond it.
 */
import { destination, distanceM, type LatLon, normalizeDeg } from '../common/geo.ts';
import { type Boundary, defaultOuterBoundary, firstExit, insideBoundary } from './boundary.ts';
import { fromCoastFrame, SEAWARD_BEARING_DEG, toCoastFrame } from './geography.ts';
import { MINUTE, moveVessel, nearGround, startFishingAt, type Vessel } from './vessel.ts';

/** Past the boundary, the drifting vessel keeps going this far before it starts fishing there, km. */
const BEYOND_BOUNDARY_KM = 10;

export interface ScenarioSettings {
  boundary: Boundary;
  silentAfterMs: number;
  sosAfterMs: number;
  driftStartKm: number;
  driftKn: number;
}

/** Puts a scenario vessel where its scenario starts; false for an ordinary vessel (left in port). */
export function startScenario(v: Vessel, s: ScenarioSettings, now: number): boolean {
  switch (v.spec.scenario) {
    case 'silent':
      // A vessel whose link is lost keeps fishing: it does not sail home during the demo.
      startFishingAt(v, nearGround(v), now);
      v.phaseEndsAt = Number.POSITIVE_INFINITY;
      v.silentAt = s.silentAfterMs;
      return true;
    case 'sos':
      startFishingAt(v, nearGround(v), now);
      v.phaseEndsAt = Number.POSITIVE_INFINITY;
      v.sosAt = s.sosAfterMs;
      return true;
    case 'midshore-violation':
      startFishingAt(v, nearGround(v), now);
      return true;
    case 'drift':
      startDrift(v, s);
      return true;
    default:
      return false;
  }
}

/** The silent vessel's link drops and the SOS is raised once their time has come. */
export function applyScenarioTriggers(v: Vessel, now: number): void {
  if (now >= v.silentAt) v.reporting = false;
  if (now >= v.sosAt && !v.sos) {
    v.sos = true;
    v.phase = 'distress';
    v.nextManoeuvreAt = now;
  }
}

/** The drifting vessel starts `driftStartKm` inside where the seaward line from its ground leaves the boundary. */
function startDrift(v: Vessel, s: ScenarioSettings): void {
  const seaward = (from: LatLon, km: number): LatLon => destination(from, SEAWARD_BEARING_DEG, km * 1000);
  const start = toCoastFrame(v.berth);
  const origin = fromCoastFrame({ alongKm: start.alongKm, offshoreKm: 20 });
  const exit = firstExit(s.boundary, origin, seaward) ?? firstExit(defaultOuterBoundary(), origin, seaward);
  const back = Math.min(s.driftStartKm, Math.max(0, (exit?.km ?? 0) - 1));
  v.pos = exit ? seaward(origin, exit.km - back) : origin;
  v.ground = v.pos;
  v.phase = 'drifting';
  v.cogDeg = SEAWARD_BEARING_DEG;
  v.sogKn = s.driftKn;
}

/** Drifts seaward until well past the boundary, then fishes there (the IUU case the centre acts on). */
export function drift(v: Vessel, dt: number, s: ScenarioSettings, now: number): void {
  if (now >= v.nextManoeuvreAt) {
    v.sogKn = Math.max(0.5, s.driftKn + v.rng.range(-0.5, 0.5));
    v.cogDeg = normalizeDeg(SEAWARD_BEARING_DEG + v.rng.normal(0, 10));
    v.nextManoeuvreAt = now + v.rng.range(5, 15) * MINUTE;
  }
  moveVessel(v, dt);
  if (insideBoundary(s.boundary, v.pos)) v.ground = v.pos;
  else if (distanceM(v.pos, v.ground) > BEYOND_BOUNDARY_KM * 1000) {
    v.ground = v.pos;
    v.phase = 'fishing';
    v.phaseEndsAt = Number.POSITIVE_INFINITY;
  }
}
