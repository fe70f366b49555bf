/**
 * The alert engine: (rule, state, point, now) → (state, transitions), and the clock's step
 * (rule, state, now) → (state, transitions) for what time alone changes (a pending period ending,
 * silence, keepFiringFor, a rate window emptying). Entity states are immutable values; a rule's state
 * is the map from entity to its current value, updated in place. No I/O here: that lives in the
 * service and the notifiers.
 */
import type { Point } from '../ingest/point.ts';
import { formatDuration } from './duration.ts';
import { evaluateRate, tickRate } from './kinds/rate.ts';
import { evaluateSilence, tickSilence } from './kinds/silence.ts';
import { evaluateThreshold, tickThreshold } from './kinds/threshold.ts';
import type { KindResult, PointInput } from './kinds/types.ts';
import { evaluateZone, tickZone } from './kinds/zone.ts';
import { type EvalContext, entityOf, entityTags, matchesRegistry, matchesTags } from './match.ts';
import type { TemplateVars } from './template.ts';
import { makeTransition } from './transition.ts';
import type {
  EngineResult,
  EntityState,
  LoadedRule,
  RuleState,
  Transition,
  TransitionState,
} from './types.ts';

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
  if (!rule.enabled || point.measurement !== rule.measurement || !matchesTags(rule.filter, point.tags))
    return null;
  const entity = entityOf(rule.groupBy, point.tags);
  if (entity === null || !matchesRegistry(rule.filter, rule.groupBy, point.tags, ctx)) return null;
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

/** Template variables of a kind for a state (the clock's transitions, repeats and listings). */
function kindVars(rule: LoadedRule, es: EntityState, nowMs: number): TemplateVars {
  switch (rule.kind) {
    case 'threshold':
      return { field: rule.field };
    case 'silence': {
      const silentMs = nowMs - (es.lastSeenMs ?? nowMs);
      return { silentFor: formatDuration(silentMs), silentMin: Math.floor(silentMs / 60_000) };
    }
    case 'zone':
      return { distanceKm: es.value ?? null };
    case 'rate':
      return { count: es.value ?? 0 };
  }
}

/**
 * The transition an entity's current state would make: the message and id of a pending or firing
 * alert for listings and repeat notices, or a `resolved` for an alert whose rule went away.
 */
export function describe(
  rule: LoadedRule,
  entity: string,
  es: EntityState,
  state: TransitionState,
  nowMs: number,
): Transition {
  const value =
    rule.kind === 'silence' ? Math.floor((nowMs - (es.lastSeenMs ?? nowMs)) / 60_000) : (es.value ?? null);
  return makeTransition(rule, {
    entity,
    tags: es.tags,
    state,
    from: es.status,
    startedAtMs: es.startedAtMs ?? nowMs,
    atMs: nowMs,
    value,
    vars: kindVars(rule, es, nowMs),
  });
}
