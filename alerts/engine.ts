/**
 * The alert engine: (rule, state, point, now) → (state, transitions), and the clock's step
 * (rule, state, now) → (state, transitions) for what time alone changes (a pending period ending,
 * silence, keepFiringFor, a rate window emptying). Entity states are immutable values; a rule's state
 * is the map from entity to its current value, updated in place. No I/O here: that lives in the
 * service and the notifiers.
 */
import type { Point } from '../ingest/point.ts';
import { evaluateRate, tickRate } from './kinds/rate.ts';
import { evaluateSilence, tickSilence } from './kinds/silence.ts';
import { evaluateThreshold, tickThreshold } from './kinds/threshold.ts';
import type { KindResult, PointInput } from './kinds/types.ts';
import { evaluateZone, tickZone } from './kinds/zone.ts';
import { type EvalContext, entityOf, entityTags, matchesRegistry, matchesTags } from './match.ts';
import { makeTransition } from './transition.ts';
import type { EngineResult, EntityState, LoadedRule, RuleState, Transition } from './types.ts';

export function newRuleState(): RuleState {
  return { entities: new Map() };
}

function apply(state: RuleState, entity: string, result: KindResult): Transition[] {
  if (result.entity) state.entities.set(entity, result.entity);
  else state.entities.delete(entity);
  return result.transitions;
}

/** Whether the rule looks at this point at all, and for which entity. */
export function ruleEntity(
  rule: LoadedRule,
  point: Point,
  ctx: EvalContext,
): { entity: string; tags: Record<string, string> } | null {
  if (!rule.enabled || point.measurement !== rule.measurement || !matchesTags(rule.where, point.tags))
    return null;
  const entity = entityOf(rule.groupBy, point.tags);
  if (entity === null || !matchesRegistry(rule.where, rule.groupBy, point.tags, ctx)) return null;
  return { entity, tags: entityTags(rule.groupBy, point.tags) };
}

export function evaluatePoint(
  rule: LoadedRule,
  state: RuleState,
  point: Point,
  nowMs: number,
  ctx: EvalContext = {},
): EngineResult {
  const target = ruleEntity(rule, point, ctx);
  if (!target) return { state, transitions: [] };
  const prev = state.entities.get(target.entity);
  const input: PointInput = { point, entity: target.entity, tags: target.tags, nowMs, ctx };
  let result: KindResult;
  switch (rule.kind) {
    case 'threshold':
      result = evaluateThreshold(rule, prev, input);
      break;
    case 'silence':
      result = evaluateSilence(rule, prev, input);
      break;
    case 'zone':
      result = evaluateZone(rule, prev, input);
      break;
    case 'rate':
      result = evaluateRate(rule, prev, input);
      break;
  }
  return { state, transitions: apply(state, target.entity, result) };
}

function tickEntity(
  rule: LoadedRule,
  prev: EntityState,
  entity: string,
  nowMs: number,
  ctx: EvalContext,
): KindResult {
  switch (rule.kind) {
    case 'threshold':
      return tickThreshold(rule, prev, entity, nowMs);
    case 'silence':
      return tickSilence(rule, prev, entity, nowMs, ctx);
    case 'zone':
      return tickZone(rule, prev, entity, nowMs);
    case 'rate':
      return tickRate(rule, prev, entity, nowMs);
  }
}

export function tickRule(
  rule: LoadedRule,
  state: RuleState,
  nowMs: number,
  ctx: EvalContext = {},
): EngineResult {
  const transitions: Transition[] = [];
  if (!rule.enabled) return { state, transitions };
  for (const [entity, prev] of [...state.entities]) {
    transitions.push(...apply(state, entity, tickEntity(rule, prev, entity, nowMs, ctx)));
  }
  return { state, transitions };
}

/**
 * A rule removed (or disabled) while entities are pending or firing: their `resolved` transitions, so
 * the retained MQTT messages are cleared and the history shows an end.
 */
export function retireRule(rule: LoadedRule, state: RuleState, nowMs: number): Transition[] {
  const out: Transition[] = [];
  for (const [entity, es] of state.entities) {
    if (es.status === 'inactive') continue;
    out.push(
      makeTransition(rule, {
        entity,
        tags: es.tags,
        state: 'resolved',
        from: es.status,
        startedAtMs: es.startedAtMs ?? nowMs,
        atMs: nowMs,
        value: es.value ?? null,
      }),
    );
  }
  return out;
}
