/**
 * `zone`: positions against GeoJSON polygons. `inside` fires while inside; `enter` when an entity seen
 * outside is next seen inside; `exit` the reverse (an entity first seen on the triggered side does not
 * fire: it did not cross). With `approachKm`, the rule fires instead while the entity is on the other
 * side within that distance of the boundary (the "approaching" tier; a separate rule without it gives
 * the "crossed" tier). `clearMarginKm` is the hysteresis band at the line.
 */
import { type Observation, stepCondition } from '../condition.ts';
import { contains, distanceToBoundaryKm, type Geometry, haversineKm } from '../geo.ts';
import { numericField } from '../match.ts';
import type { ZoneRule } from '../rule-schema.ts';
import type { EntityState } from '../types.ts';
import { transitionsOf } from './emit.ts';
import { type KindResult, type PointInput, unchanged } from './types.ts';

type Side = 'in' | 'out';

export function observeZone(rule: ZoneRule, prev: EntityState, side: Side, distanceKm: number): Observation {
  const triggered: Side = rule.trigger === 'exit' ? 'out' : 'in';
  if (rule.approachKm !== undefined) {
    if (side === triggered) return 'clear';
    if (distanceKm <= rule.approachKm) return 'breach';
    return distanceKm <= rule.approachKm + rule.clearMarginKm ? 'band' : 'clear';
  }
  if (prev.status === 'inactive') {
    if (side !== triggered) return 'clear';
    // enter/exit need to have seen the entity on the other side first.
    return rule.trigger === 'inside' || (prev.side !== undefined && prev.side !== side) ? 'breach' : 'clear';
  }
  if (side === triggered) return 'breach';
  return distanceKm <= rule.clearMarginKm ? 'band' : 'clear';
}

function roundKm(km: number): number {
  return Math.round(km * 100) / 100;
}

/** Where an entity's distance to a geometry's boundary was last measured in full, and its side there. */
interface Anchor {
  lat: number;
  lon: number;
  km: number;
  side: Side;
}

// Keyed by the loaded geometry, so a reloaded zone file starts afresh; not part of the persisted state
// (after a restart the first position of each entity is measured in full).
const anchors = new WeakMap<Geometry, Map<string, Anchor>>();

// haversine and the boundary distance's local projection differ by well under 1 %; the distance is
// also rounded to 10 m. Both are absorbed here.
const PROJECTION_SLACK = 1.02;
const ROUNDING_SLACK_KM = 0.01;

/**
 * An inactive entity that has moved less than its last distance to the boundary (minus the bands
 * the rule watches) is still on the same side and still clear: the distance to a boundary changes at
 * most as fast as the position (the hot path: point in polygon and distance to every edge, per position
 * per zone rule, skipped for the many vessels far from every line).
 */
function surelyStillClear(
  rule: ZoneRule,
  geometry: Geometry,
  prev: EntityState | undefined,
  entity: string,
  lat: number,
  lon: number,
): boolean {
  if (prev?.status !== 'inactive' || prev.side === undefined) return false;
  // `inside` breaches on the inside without crossing anything: measure it there (see observeZone).
  if (rule.approachKm === undefined && rule.trigger === 'inside' && prev.side === 'in') return false;
  const anchor = anchors.get(geometry)?.get(entity);
  // A state that did not come from this measurement (restored, or stepped by another hub) is measured.
  if (anchor?.side !== prev.side) return false;
  const watchedKm = (rule.approachKm ?? 0) + rule.clearMarginKm + ROUNDING_SLACK_KM;
  return haversineKm(anchor.lat, anchor.lon, lat, lon) * PROJECTION_SLACK < anchor.km - watchedKm;
}

function remember(geometry: Geometry, entity: string, anchor: Anchor): void {
  let byEntity = anchors.get(geometry);
  if (!byEntity) {
    byEntity = new Map();
    anchors.set(geometry, byEntity);
  }
  byEntity.set(entity, anchor);
}

export function evaluateZone(
  rule: ZoneRule & { geometry?: Geometry },
  prev: EntityState | undefined,
  input: PointInput,
): KindResult {
  const lat = numericField(input.point.fields, rule.latField);
  const lon = numericField(input.point.fields, rule.lonField);
  if (!rule.geometry || lat === undefined || lon === undefined) return unchanged(prev);
  if (surelyStillClear(rule, rule.geometry, prev, input.entity, lat, lon)) return unchanged(prev);
  const side: Side = contains(rule.geometry, lat, lon) ? 'in' : 'out';
  const distanceKm = roundKm(distanceToBoundaryKm(rule.geometry, lat, lon));
  remember(rule.geometry, input.entity, { lat, lon, km: distanceKm, side });
  const base: EntityState = { ...(prev ?? { status: 'inactive' }), tags: input.tags, value: distanceKm };
  const obs = observeZone(rule, base, side, distanceKm);
  const timing = { forMs: rule.for, keepFiringForMs: rule.keepFiringFor };
  const stepped = stepCondition(timing, base, obs, input.nowMs);
  const next: EntityState = { ...stepped.next, side };
  const transitions = transitionsOf(rule, input.entity, next, stepped.changes, input.nowMs, {
    distanceKm,
    lat,
    lon,
  });
  return { entity: next, transitions };
}

export function tickZone(rule: ZoneRule, prev: EntityState, entity: string, nowMs: number): KindResult {
  if (prev.status === 'inactive') return unchanged(prev);
  const timing = { forMs: rule.for, keepFiringForMs: rule.keepFiringFor };
  const { next, changes } = stepCondition(timing, prev, 'none', nowMs);
  return {
    entity: next,
    transitions: transitionsOf(rule, entity, next, changes, nowMs, { distanceKm: prev.value ?? null }),
  };
}
