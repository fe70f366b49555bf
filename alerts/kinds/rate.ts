/**
 * `rate`: more than `above` matching points from one entity within a sliding `window` (e.g. more than
 * 30 `camera_event` with label car on one camera in 5 min: congestion). Counted on receipt times.
 */
import { type Observation, stepCondition } from '../condition.ts';
import type { RateRule } from '../rule-schema.ts';
import type { EntityState } from '../types.ts';
import { transitionsOf } from './emit.ts';
import type { KindResult, PointInput } from './types.ts';

/** Bounds memory per entity; the count is exact while below it, and any cap > `above` decides correctly. */
const MAX_EVENTS = 10_000;

function observeRate(rule: RateRule, count: number, prev: EntityState): Observation {
  if (count > rule.above) return 'breach';
  if (prev.status === 'inactive') return 'clear';
  const clear = rule.clearBelow !== undefined ? count < rule.clearBelow : count <= rule.above;
  return clear ? 'clear' : 'band';
}

function windowed(events: readonly number[] | undefined, rule: RateRule, nowMs: number): number[] {
  const from = nowMs - rule.window;
  const kept = (events ?? []).filter((t) => t > from);
  return kept.length > MAX_EVENTS ? kept.slice(kept.length - MAX_EVENTS) : kept;
}

function step(
  rule: RateRule,
  base: EntityState,
  events: number[],
  entity: string,
  nowMs: number,
): KindResult {
  const count = events.length;
  const withCount: EntityState = { ...base, events, value: count };
  const timing = { forMs: rule.for, keepFiringForMs: rule.keepFiringFor };
  const { next, changes } = stepCondition(timing, withCount, observeRate(rule, count, withCount), nowMs);
  const transitions = transitionsOf(rule, entity, next, changes, nowMs, { count });
  const idle = next.status === 'inactive' && count === 0;
  return { entity: idle ? undefined : next, transitions };
}

export function evaluateRate(rule: RateRule, prev: EntityState | undefined, input: PointInput): KindResult {
  const events = windowed(prev?.events, rule, input.nowMs);
  events.push(input.nowMs);
  const base: EntityState = { ...(prev ?? { status: 'inactive' }), tags: input.tags };
  return step(rule, base, events, input.entity, input.nowMs);
}

export function tickRate(rule: RateRule, prev: EntityState, entity: string, nowMs: number): KindResult {
  const events = windowed(prev.events, rule, nowMs);
  if (events.length === prev.events?.length && prev.status !== 'firing' && prev.status !== 'pending')
    return { entity: prev, transitions: [] };
  return step(rule, prev, events, entity, nowMs);
}
