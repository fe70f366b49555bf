/**
 * Plane geometry for zones and ports: point in polygon, and distance to a boundary on a local
 * equirectangular projection centred on the point (error well under 1 % within a few hundred km,
 * which is what a coastal sector needs). Coordinates are GeoJSON order: [lon, lat] in degrees WGS84.
 */

export type Position = readonly [lon: number, lat: number];
/** Outer ring first, then holes; rings are closed or not, either works. */
export type Polygon = readonly (readonly Position[])[];

export interface Geometry {
  polygons: readonly Polygon[];
  /** [minLon, minLat, maxLon, maxLat] of all outer rings: a quick "surely outside". */
  bbox: readonly [number, number, number, number];
}

/** Mean Earth radius (IUGG), km. */
export const EARTH_RADIUS_KM = 6371.0088;
const RAD = Math.PI / 180;

export function haversineKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const dLat = (lat2 - lat1) * RAD;
  const dLon = (lon2 - lon1) * RAD;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * RAD) * Math.cos(lat2 * RAD) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(a)));
}

export function geometryOf(polygons: readonly Polygon[]): Geometry {
  let minLon = Infinity;
  let minLat = Infinity;
  let maxLon = -Infinity;
  let maxLat = -Infinity;
  for (const polygon of polygons) {
    for (const [lon, lat] of polygon[0] ?? []) {
      minLon = Math.min(minLon, lon);
      maxLon = Math.max(maxLon, lon);
      minLat = Math.min(minLat, lat);
      maxLat = Math.max(maxLat, lat);
    }
  }
  return { polygons, bbox: [minLon, minLat, maxLon, maxLat] };
}

// Ray casting (W. Randolph Franklin's PNPOLY): a ray to the east crosses the ring an odd number of times.
function inRing(ring: readonly Position[], lat: number, lon: number): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i] as Position;
    const [xj, yj] = ring[j] as Position;
    if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

export function contains(geometry: Geometry, lat: number, lon: number): boolean {
  const [minLon, minLat, maxLon, maxLat] = geometry.bbox;
  if (lon < minLon || lon > maxLon || lat < minLat || lat > maxLat) return false;
  for (const [outer, ...holes] of geometry.polygons) {
    if (outer && inRing(outer, lat, lon) && !holes.some((hole) => inRing(hole, lat, lon))) return true;
  }
  return false;
}

/** Shortest distance (km) from the point to any edge of the geometry, inside or outside. */
export function distanceToBoundaryKm(geometry: Geometry, lat: number, lon: number): number {
  const kx = EARTH_RADIUS_KM * RAD * Math.cos(lat * RAD);
  const ky = EARTH_RADIUS_KM * RAD;
  let best = Infinity;
  for (const polygon of geometry.polygons) {
    for (const ring of polygon) {
      for (let i = 0; i < ring.length; i++) {
        const a = ring[i] as Position;
        const b = ring[(i + 1) % ring.length] as Position;
        // The point is the origin of the local plane.
        const ax = (a[0] - lon) * kx;
        const ay = (a[1] - lat) * ky;
        const bx = (b[0] - lon) * kx;
        const by = (b[1] - lat) * ky;
        best = Math.min(best, originToSegment(ax, ay, bx, by));
      }
    }
  }
  return best;
}

function originToSegment(ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, -(ax * dx + ay * dy) / len2));
  return Math.hypot(ax + t * dx, ay + t * dy);
}

/** A regular polygon of `sides` vertices at `radiusKm` around a centre (ports), closed ring. */
export function circlePolygon(lat: number, lon: number, radiusKm: number, sides = 16): Polygon {
  const ring: Position[] = [];
  for (let i = 0; i <= sides; i++) {
    const angle = (2 * Math.PI * (i % sides)) / sides;
    const dLat = (radiusKm * Math.cos(angle)) / (EARTH_RADIUS_KM * RAD);
    const dLon = (radiusKm * Math.sin(angle)) / (EARTH_RADIUS_KM * RAD * Math.cos(lat * RAD));
    ring.push([round6(lon + dLon), round6(lat + dLat)]);
  }
  return [ring];
}

export function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
