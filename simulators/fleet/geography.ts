/**
 * The Thua Thien - Hue coast as the fleet simulator sees it (DOMAIN.md "Places around Hue", approx.):
 * home ports, a straight coastline from 16.80,107.23 (NW) to 16.25,108.00 (SE), and distances offshore
 * measured perpendicular to it (seaward = north-east). Good enough to put each length class in its zone
 * (Decree 26/2019 art. 43: inshore < 6 nm, mid-shore 6–24 nm, offshore > 24 nm) with wide margins; a
 * deployment's zone polygons replace it.
 */
import type { LatLon } from '../common/geo.ts';

export const HOME_PORTS = {
  'thuan-an': { name: 'Thuan An', lat: 16.558, lon: 107.64 },
  'tu-hien': { name: 'Tu Hien', lat: 16.293, lon: 107.916 },
  'chan-may': { name: 'Chan May', lat: 16.335, lon: 108.003 },
} as const satisfies Record<string, LatLon & { name: string }>;

export type HomePort = keyof typeof HOME_PORTS;
export const HOME_PORT_IDS = Object.keys(HOME_PORTS) as HomePort[];

export const COAST_NW: LatLon = { lat: 16.8, lon: 107.23 };
export const COAST_SE: LatLon = { lat: 16.25, lon: 108.0 };

/** 6 nm and 24 nm (DOMAIN.md), km. */
export const INSHORE_LIMIT_KM = 11.112;
export const MIDSHORE_LIMIT_KM = 44.448;

/** Where each length class fishes, km offshore: inside its zone with margins on both sides. */
export const FISHING_BANDS_KM = {
  inshore: [3, 9],
  midshore: [16, 38],
  offshore: [55, 90],
  /** The mid-shore violation scenario: a ≥ 15 m vessel fishing well inside 24 nm. */
  violation: [22, 34],
} as const satisfies Record<string, readonly [number, number]>;

export type LengthClass = 'inshore' | 'midshore' | 'offshore';

/** Decree 26/2019 art. 43: < 12 m inshore, 12–15 m mid-shore, ≥ 15 m offshore. */
export function lengthClass(lengthM: number): LengthClass {
  if (lengthM < 12) return 'inshore';
  if (lengthM < 15) return 'midshore';
  return 'offshore';
}

const KM_PER_DEG_LAT = 111.195;
const REF_LAT_RAD = (16.5 * Math.PI) / 180;
const KM_PER_DEG_LON = KM_PER_DEG_LAT * Math.cos(REF_LAT_RAD);

function toKm(p: LatLon): { x: number; y: number } {
  return { x: (p.lon - COAST_NW.lon) * KM_PER_DEG_LON, y: (p.lat - COAST_NW.lat) * KM_PER_DEG_LAT };
}

const SE_KM = toKm(COAST_SE);
const COAST_LENGTH_KM = Math.hypot(SE_KM.x, SE_KM.y);
/** Unit vector along the coast, NW → SE. */
const U = { x: SE_KM.x / COAST_LENGTH_KM, y: SE_KM.y / COAST_LENGTH_KM };
/** Unit vector seaward (north-east), perpendicular to the coast. */
const N = { x: -U.y, y: U.x };

/** The coast-aligned frame: km along the coast from the NW point, km offshore (negative = inland). */
export interface CoastPosition {
  alongKm: number;
  offshoreKm: number;
}

/** Equirectangular around 16.5°N: errors well under 1 % over the ~250 km the fleet covers. */
export function toCoastFrame(p: LatLon): CoastPosition {
  const { x, y } = toKm(p);
  return { alongKm: x * U.x + y * U.y, offshoreKm: x * N.x + y * N.y };
}

export function fromCoastFrame(c: CoastPosition): LatLon {
  const x = c.alongKm * U.x + c.offshoreKm * N.x;
  const y = c.alongKm * U.y + c.offshoreKm * N.y;
  return { lat: COAST_NW.lat + y / KM_PER_DEG_LAT, lon: COAST_NW.lon + x / KM_PER_DEG_LON };
}

/** True bearing of the seaward normal (≈ 36.6°): the course straight out to sea. */
export const SEAWARD_BEARING_DEG = (Math.atan2(N.x, N.y) * 180) / Math.PI;

export function offshoreKm(p: LatLon): number {
  return toCoastFrame(p).offshoreKm;
}

export function coastLengthKm(): number {
  return COAST_LENGTH_KM;
}
