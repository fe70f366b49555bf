/**
 * `threshold`: a numeric field above `above` and/or below `below`, for `for`, with hysteresis:
 * once breached, the alert clears only past `clearBelow` / `clearAbove` (default: the trigger level).
 */
import { type Observation, stepCondition } from '../condition.ts';
import { numericField } from '../match.ts';
import type { ThresholdRule } from '../rule-schema.ts';
import type { AlertStatus, EntityState } from '../types.ts';
import { transitionsOf } from './emit.ts';
import { type KindResult, type PointInput, unchanged } from './types.ts';

export function observeThreshold(rule: ThresholdRule, value: number, status: AlertStatus): Observation {
  const { above, below, clearBelow, clearAbove } = rule;
  if ((above !== undefined && value > above) || (below !== undefined && value < below)) return 'breach';
  if (status === 'inactive') return 'clear';
  const clearHigh = above === undefined || (clearBelow !== undefined ? value < clearBelow : value <= above);
  const clearLow = below === undefined || (clearAbove !== undefined ? value > clearAbove : value >= below);
  return clearHigh && clearLow ? 'clear' : 'band';
}

function step(
  rule: ThresholdRule,
  prev: EntityState,
  obs: Observation,
  entity: string,
  nowMs: number,
): KindResult {
  const timing = { forMs: rule.for, keepFiringForMs: rule.keepFiringFor };
  const { next, changes } = stepCondition(timing, prev, obs, nowMs);
  const transitions = transitionsOf(rule, entity, next, changes, nowMs, { field: rule.field });
  // An inactive threshold entity has nothing worth remembering.
  return { entity: next.status === 'inactive' ? undefined : next, transitions };
}

export function evaluateThreshold(
  rule: ThresholdRule,
  prev: EntityState | undefined,
  input: PointInput,
): KindResult {
  const value = numericField(input.point.fields, rule.field);
  if (value === undefined) return unchanged(prev);
  // The common case on the hot path: nothing pending or firing and the value clear. Nothing changes
  // and an inactive entity is not remembered, so skip building its state.
  if (
    (prev === undefined || prev.status === 'inactive') &&
    observeThreshold(rule, value, 'inactive') === 'clear'
  ) {
    return unchanged(undefined);
  }
  const base: EntityState = { ...(prev ?? { status: 'inactive' }), tags: input.tags, value };
  return step(rule, base, observeThreshold(rule, value, base.status), input.entity, input.nowMs);
}

export function tickThreshold(
  rule: ThresholdRule,
  prev: EntityState,
  entity: string,
  nowMs: number,
): KindResult {
  if (prev.status === 'inactive') return unchanged(undefined);
  return step(rule, prev, 'none', entity, nowMs);
}
