/**
 * The outer boundary the drift scenario crosses. The default is a simplified polygon of our own: the
 * coast band from ~60 km NW of the DOMAIN.md coastline to ~60 km SE of it, out to 200 km offshore
 * (an assumption, not the legal line). The alerts' zone file (GeoJSON) can be passed instead, so the
 * vessel crosses the very line the boundary rule watches.
 */
import { readFileSync } from 'node:fs';
import { distanceM, type LatLon, pointInRing } from '../common/geo.ts';
import { coastLengthKm, fromCoastFrame } from './geography.ts';

export const DEFAULT_OUTER_BOUNDARY_KM = 200;

export interface Boundary {
  name: string;
  /** Outer rings of the polygon(s); inside any of them = inside the boundary. */
  rings: LatLon[][];
}

export class BoundaryError extends Error {
  readonly code = 'HUB_ERR_SIM_BOUNDARY';
}

export function defaultOuterBoundary(offshoreKm = DEFAULT_OUTER_BOUNDARY_KM): Boundary {
  const from = -60;
  const to = coastLengthKm() + 60;
  const ring = [
    fromCoastFrame({ alongKm: from, offshoreKm: -30 }),
    fromCoastFrame({ alongKm: from, offshoreKm }),
    fromCoastFrame({ alongKm: to, offshoreKm }),
    fromCoastFrame({ alongKm: to, offshoreKm: -30 }),
  ];
  return { name: `outer-boundary-${offshoreKm}km`, rings: [[...ring, ring[0]!]] };
}

export function insideBoundary(boundary: Boundary, p: LatLon): boolean {
  return boundary.rings.some((ring) => pointInRing(p, ring));
}

const round6 = (n: number): number => Math.round(n * 1e6) / 1e6;

/** GeoJSON Feature (RFC 7946: [lon, lat] order), e.g. to write next to the alerts' rule files. */
export function boundaryToGeoJson(boundary: Boundary): object {
  return {
    type: 'Feature',
    properties: { name: boundary.name, note: 'simplified approximation used by the fleet simulator' },
    geometry: {
      type: 'MultiPolygon',
      coordinates: boundary.rings.map((ring) => [ring.map((p) => [round6(p.lon), round6(p.lat)])]),
    },
  };
}

interface GeoFeature {
  type: 'Feature';
  id?: string | number;
  properties?: Record<string, unknown> | null;
  geometry: { type: string; coordinates: unknown } | null;
}

function ringsOf(geometry: GeoFeature['geometry']): LatLon[][] {
  if (!geometry) return [];
  const toRing = (coords: unknown): LatLon[] =>
    (coords as number[][]).map(([lon, lat]) => {
      if (typeof lon !== 'number' || typeof lat !== 'number')
        throw new BoundaryError('a position is not [lon, lat]');
      return { lat, lon };
    });
  if (geometry.type === 'Polygon') return [toRing((geometry.coordinates as unknown[])[0])];
  if (geometry.type === 'MultiPolygon')
    return (geometry.coordinates as unknown[][]).map((polygon) => toRing(polygon[0]));
  return [];
}

function featureName(f: GeoFeature): string {
  const p = f.properties ?? {};
  for (const key of ['name', 'id', 'zone']) if (typeof p[key] === 'string') return p[key];
  return f.id !== undefined ? String(f.id) : '';
}

/**
 * A boundary from GeoJSON (Feature, FeatureCollection or bare Polygon/MultiPolygon). In a collection,
 * the feature named `name` (properties.name/id/zone or the feature id), else the first whose name
 * mentions "outer" or "boundary", else the only polygon.
 */
export function boundaryFromGeoJson(json: unknown, name?: string): Boundary {
  const obj = json as { type?: string; features?: GeoFeature[] };
  let features: GeoFeature[];
  if (obj.type === 'FeatureCollection') features = obj.features ?? [];
  else if (obj.type === 'Feature') features = [obj as GeoFeature];
  else if (obj.type === 'Polygon' || obj.type === 'MultiPolygon')
    features = [{ type: 'Feature', geometry: obj as GeoFeature['geometry'] }];
  else throw new BoundaryError('GeoJSON must be a FeatureCollection, a Feature or a (Multi)Polygon');
  const polygons = features.filter((f) => ringsOf(f.geometry).length > 0);
  const chosen = name
    ? polygons.find((f) => featureName(f) === name)
    : (polygons.find((f) => /outer|boundary/i.test(featureName(f))) ??
      (polygons.length === 1 ? polygons[0] : undefined));
  if (!chosen) {
    const names = polygons.map(featureName).join(', ');
    throw new BoundaryError(
      name ? `no polygon named "${name}" (have: ${names})` : `several polygons, name one of: ${names}`,
    );
  }
  return { name: featureName(chosen) || 'boundary', rings: ringsOf(chosen.geometry) };
}

export function loadBoundaryFile(path: string, name?: string): Boundary {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new BoundaryError(`cannot read GeoJSON boundary ${path}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  return boundaryFromGeoJson(json, name);
}

/**
 * Where a straight line from `start` (inside) on `bearing` first leaves the boundary, marching in
 * 250 m steps up to `maxKm`; undefined when it never leaves (a polygon that does not face the sea there).
 */
export function firstExit(
  boundary: Boundary,
  start: LatLon,
  step: (from: LatLon, km: number) => LatLon,
  maxKm = 600,
): { point: LatLon; km: number } | undefined {
  if (!insideBoundary(boundary, start)) return undefined;
  for (let km = 0.25; km <= maxKm; km += 0.25) {
    const p = step(start, km);
    if (!insideBoundary(boundary, p)) return { point: p, km: distanceM(start, p) / 1000 };
  }
  return undefined;
}
