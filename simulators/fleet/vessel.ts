/**
 * A vessel as the motion model holds it, and where it fishes: grounds in its length class's band
 * (geography.ts), near its home port along the coast, well inside the outer boundary.
 */
import { destination, KN_TO_MPS, type LatLon } from '../common/geo.ts';
import type { Random } from '../common/random.ts';
import { type Boundary, insideBoundary } from './boundary.ts';
import { FISHING_BANDS_KM, fromCoastFrame, toCoastFrame } from './geography.ts';
import type { VesselSpec } from './vessels.ts';

export type Phase = 'port' | 'outbound' | 'fishing' | 'returning' | 'drifting' | 'distress';

/** What the simulators publish from: one vessel at one moment. */
export interface VesselState {
  id: string;
  lat: number;
  lon: number;
  sogKn: number;
  cogDeg: number;
  headingDeg: number;
  phase: Phase;
  atSea: boolean;
  /** False once a silent-scenario vessel has lost its link: it publishes nothing any more. */
  reporting: boolean;
  sos: boolean;
}

export const HOUR = 3_600_000;
export const MINUTE = 60_000;

/** The length class's band, or the mid-shore violation scenario's. */
export type Band = keyof typeof FISHING_BANDS_KM;

/** How far a vessel may wander from its ground while fishing, km, by band. */
export const GROUND_RADIUS_KM = { inshore: 1.5, midshore: 3, offshore: 5, violation: 3 } as const;
/** How far along the coast from the home port a ground may lie, km. */
const GROUND_ALONG_KM = { inshore: 6, midshore: 15, offshore: 30, violation: 15 } as const;
/** How long a vessel fishes on a trip, hours: day trips inshore, days offshore (shortened for demos). */
const FISHING_HOURS = {
  inshore: [2, 6],
  midshore: [6, 16],
  offshore: [12, 36],
  violation: [24, 48],
} as const;
/** Offshore grounds keep at least this far inside the outer boundary, km. */
const BOUNDARY_MARGIN_KM = 20;

export interface Vessel {
  spec: VesselSpec;
  rng: Random;
  band: Band;
  berth: LatLon;
  pos: LatLon;
  sogKn: number;
  cogDeg: number;
  /** Where the bow points: the course while under way, unchanged while stopped. */
  headingDeg: number;
  phase: Phase;
  ground: LatLon;
  /** Elapsed simulated time at which the phase (port dwell, fishing) ends. */
  phaseEndsAt: number;
  nextManoeuvreAt: number;
  silentAt: number;
  sosAt: number;
  reporting: boolean;
  sos: boolean;
}

/** A ground in the vessel's band, near its home port along the coast and well inside the boundary. */
export function pickGround(v: Vessel, boundary: Boundary): LatLon {
  const [lo, hi] = FISHING_BANDS_KM[v.band];
  const home = toCoastFrame(v.berth);
  const alongKm = home.alongKm + v.rng.range(-GROUND_ALONG_KM[v.band], GROUND_ALONG_KM[v.band]);
  let offshoreKm = v.rng.range(lo, hi);
  for (let i = 0; i < 8; i++) {
    if (insideBoundary(boundary, fromCoastFrame({ alongKm, offshoreKm: offshoreKm + BOUNDARY_MARGIN_KM })))
      break;
    offshoreKm *= 0.8;
  }
  return fromCoastFrame({ alongKm, offshoreKm });
}

/** A random spot within the fishing radius of the vessel's ground. */
export function nearGround(v: Vessel): LatLon {
  return destination(v.ground, v.rng.range(0, 360), v.rng.range(0, GROUND_RADIUS_KM[v.band] * 1000));
}

export function fishingDurationMs(v: Vessel): number {
  const [lo, hi] = FISHING_HOURS[v.band];
  return v.rng.range(lo, hi) * HOUR;
}

/** Stops the vessel on a fishing spot and starts a fishing phase of its band's length. */
export function startFishingAt(v: Vessel, at: LatLon, now: number): void {
  v.pos = at;
  v.phase = 'fishing';
  v.sogKn = Math.min(v.sogKn, 2);
  v.phaseEndsAt = now + fishingDurationMs(v);
  v.nextManoeuvreAt = now;
}

/** Moves the vessel along its course for `dt` ms; the heading follows the course while under way. */
export function moveVessel(v: Vessel, dt: number): void {
  const metres = v.sogKn * KN_TO_MPS * (dt / 1000);
  if (metres > 0) v.pos = destination(v.pos, v.cogDeg, metres);
  if (v.sogKn >= 0.5) v.headingDeg = Math.round(v.cogDeg) % 360;
}
