/**
 * Zone files: GeoJSON (RFC 7946) Polygon / MultiPolygon geometries, Features or a FeatureCollection.
 * A feature is named by `properties.name`, else its `id`; a rule selects features by name and their
 * union is its zone.
 */
import { readFileSync } from 'node:fs';
import { badZone } from './errors.ts';
import { type Geometry, geometryOf, type Polygon, type Position } from './geo.ts';

export interface ZoneFeature {
  name: string;
  polygons: Polygon[];
  properties: Record<string, unknown>;
}

type Json = Record<string, unknown>;

function isPosition(value: unknown): value is Position {
  return (
    Array.isArray(value) &&
    value.length >= 2 &&
    typeof value[0] === 'number' &&
    typeof value[1] === 'number' &&
    Math.abs(value[0]) <= 180 &&
    Math.abs(value[1]) <= 90
  );
}

function polygonOf(value: unknown, file: string, name: string): Polygon {
  if (!Array.isArray(value) || value.length === 0) throw badZone(file, `${name}: a polygon needs rings`);
  for (const ring of value) {
    // RFC 7946 3.1.6: a linear ring has four or more positions (closed: first = last).
    if (!Array.isArray(ring) || ring.length < 4 || !ring.every(isPosition))
      throw badZone(file, `${name}: each ring needs ≥ 4 [lon, lat] positions`);
  }
  return value as Polygon;
}

function polygonsOfGeometry(geometry: unknown, file: string, name: string): Polygon[] {
  const g = geometry as Json | null;
  if (g?.type === 'Polygon') return [polygonOf(g.coordinates, file, name)];
  if (g?.type === 'MultiPolygon' && Array.isArray(g.coordinates))
    return g.coordinates.map((c) => polygonOf(c, file, name));
  throw badZone(file, `${name}: only Polygon and MultiPolygon geometries make zones`);
}

export function parseZones(text: string, file: string): ZoneFeature[] {
  let json: Json;
  try {
    json = JSON.parse(text) as Json;
  } catch (err) {
    throw badZone(file, `not valid JSON: ${(err as Error).message}`, err);
  }
  const features = json.type === 'FeatureCollection' ? json.features : [json];
  if (!Array.isArray(features)) throw badZone(file, 'a FeatureCollection needs `features`');
  return features.map((raw: unknown, i) => {
    const f = raw as Json;
    const properties = (f.properties ?? {}) as Json;
    const name = String(properties.name ?? f.id ?? `#${i}`);
    const geometry = f.type === 'Feature' ? f.geometry : f;
    return { name, properties, polygons: polygonsOfGeometry(geometry, file, name) };
  });
}

export function loadZoneFile(file: string): ZoneFeature[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw badZone(file, `cannot read: ${(err as Error).message}`, err);
  }
  return parseZones(text, file);
}

/** The union of the named features (all when `names` is absent) as one geometry. */
export function selectZone(
  features: readonly ZoneFeature[],
  names: readonly string[] | undefined,
  file: string,
): Geometry {
  if (!names) return geometryOf(features.flatMap((f) => f.polygons));
  const polygons: Polygon[] = [];
  for (const name of names) {
    const feature = features.find((f) => f.name === name);
    if (!feature)
      throw badZone(file, `no feature named "${name}" (has: ${features.map((f) => f.name).join(', ')})`);
    polygons.push(...feature.polygons);
  }
  return geometryOf(polygons);
}
