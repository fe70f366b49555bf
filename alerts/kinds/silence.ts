/**
 * `silence`: no counting point from an entity for `after`, on the hub's clock since the last one was
 * RECEIVED (a device clock cannot make a vessel look alive). A point counts when it carries every
 * `requireFields` field (a VMS report without a fix has no lat/lon: it does not reset the timer).
 * `onlyAtSea`: only a vessel whose last known position is at sea fires (fleet state says so).
 */

import { formatDuration } from '../duration.ts';
import type { EvalContext } from '../match.ts';
import type { SilenceRule } from '../rule-schema.ts';
import { makeTransition } from '../transition.ts';
import type { EntityState } from '../types.ts';
import { type KindResult, type PointInput, unchanged } from './types.ts';

function silentVars(silentMs: number) {
  return { silentFor: formatDuration(silentMs), silentMin: Math.floor(silentMs / 60_000) };
}

function resolve(
  rule: SilenceRule,
  prev: EntityState,
  next: EntityState,
  entity: string,
  nowMs: number,
): KindResult {
  const silentMs = nowMs - (prev.lastSeenMs ?? nowMs);
  const transition = makeTransition(rule, {
    entity,
    tags: next.tags,
    state: 'resolved',
    from: 'firing',
    startedAtMs: prev.startedAtMs ?? nowMs,
    atMs: nowMs,
    value: Math.floor(silentMs / 60_000),
    vars: silentVars(silentMs),
  });
  return { entity: next, transitions: [transition] };
}

export function evaluateSilence(
  rule: SilenceRule,
  prev: EntityState | undefined,
  input: PointInput,
): KindResult {
  const { fields } = input.point;
  if (!rule.requireFields.every((field) => fields[field] !== undefined)) return unchanged(prev);
  const next: EntityState = { status: 'inactive', tags: input.tags, lastSeenMs: input.nowMs };
  if (prev?.status === 'firing') return resolve(rule, prev, next, input.entity, input.nowMs);
  return { entity: next, transitions: [] };
}

export function tickSilence(
  rule: SilenceRule,
  prev: EntityState,
  entity: string,
  nowMs: number,
  ctx: EvalContext,
): KindResult {
  if (prev.lastSeenMs === undefined) return unchanged(prev);
  const atSea = rule.onlyAtSea ? ctx.atSea?.(entity) === true : true;
  if (prev.status === 'firing') {
    // A silent vessel now known to be in port (e.g. heard by AIS at the quay) is no longer "at sea".
    if (!atSea)
      return resolve(
        rule,
        prev,
        { status: 'inactive', tags: prev.tags, lastSeenMs: prev.lastSeenMs },
        entity,
        nowMs,
      );
    return unchanged(prev);
  }
  const silentMs = nowMs - prev.lastSeenMs;
  if (silentMs < rule.after || !atSea) return unchanged(prev);
  // The episode starts when the entity went silent: a re-seeded restart finds the same transition id.
  const startedAtMs = prev.lastSeenMs + rule.after;
  const next: EntityState = {
    ...prev,
    status: 'firing',
    startedAtMs,
    firingAtMs: nowMs,
    value: Math.floor(silentMs / 60_000),
  };
  const transition = makeTransition(rule, {
    entity,
    tags: prev.tags,
    state: 'firing',
    from: 'inactive',
    startedAtMs,
    atMs: nowMs,
    value: Math.floor(silentMs / 60_000),
    vars: silentVars(silentMs),
  });
  return { entity: next, transitions: [transition] };
}

/**
 * A last-seen time learnt from InfluxDB at start: kept when newer than what the state remembers; a
 * firing entity that was in fact heard from meanwhile (e.g. by another hub) resolves.
 */
export function seedSilence(
  rule: SilenceRule,
  prev: EntityState | undefined,
  entity: string,
  tags: Record<string, string>,
  seenMs: number,
  nowMs: number,
): KindResult {
  if (prev?.lastSeenMs !== undefined && prev.lastSeenMs >= seenMs) return unchanged(prev);
  const next: EntityState = { status: 'inactive', tags: prev?.tags ?? tags, lastSeenMs: seenMs };
  if (prev?.status === 'firing' && nowMs - seenMs < rule.after)
    return resolve(rule, prev, next, entity, nowMs);
  if (prev?.status === 'firing') return unchanged({ ...prev, lastSeenMs: seenMs });
  return { entity: next, transitions: [] };
}
