/**
 * The rules in force and their states: indexed by measurement for the hot path, stepped by the clock,
 * replaced on reload (keeping the state of rules that stay, dropping the others), and listed.
 */
import type { Point } from '../ingest/point.ts';
import { evaluatePoint, newRuleState, tickRule } from './engine.ts';
import type { EvalContext } from './match.ts';
import type { EntityState, LoadedRule, RuleState, Transition } from './types.ts';

export class RuleRuntime {
  #rules: LoadedRule[] = [];
  #byId = new Map<string, LoadedRule>();
  #byMeasurement = new Map<string, LoadedRule[]>();
  readonly states = new Map<string, RuleState>();
  sources: string[] = [];

  get rules(): readonly LoadedRule[] {
    return this.#rules;
  }

  get(id: string): LoadedRule | undefined {
    return this.#byId.get(id);
  }

  /** Puts a rule set in force; states of rules that stay are kept (call `drop` first for those that go). */
  set(rules: LoadedRule[], sources: string[]): void {
    this.#rules = rules;
    this.sources = sources;
    this.#byId = new Map(rules.map((r) => [r.id, r]));
    this.#byMeasurement = new Map();
    for (const rule of rules) {
      if (!rule.enabled) continue;
      const list = this.#byMeasurement.get(rule.measurement) ?? [];
      list.push(rule);
      this.#byMeasurement.set(rule.measurement, list);
      if (!this.states.has(rule.id)) this.states.set(rule.id, newRuleState());
    }
  }

  /** Whether an alert of rule `id` survives the move to `next` (same id, still enabled, same kind). */
  survives(id: string, next: ReadonlyMap<string, LoadedRule>): boolean {
    const rule = next.get(id);
    return rule?.enabled === true && rule.kind === this.#byId.get(id)?.kind;
  }

  /** Forgets the states of the rules that do not survive the move to `next`. */
  dropGone(next: ReadonlyMap<string, LoadedRule>): void {
    for (const old of this.#rules) if (!this.survives(old.id, next)) this.states.delete(old.id);
  }

  /** Hot path: the point against the rules of its measurement only. */
  evaluate(point: Point, receivedAtMs: number, ctx: EvalContext, out: Transition[]): void {
    const rules = this.#byMeasurement.get(point.measurement);
    if (!rules) return;
    for (const rule of rules) {
      const state = this.states.get(rule.id) as RuleState;
      const { transitions } = evaluatePoint(rule, state, point, receivedAtMs, ctx);
      if (transitions.length) out.push(...transitions);
    }
  }

  tick(nowMs: number, ctx: EvalContext): Transition[] {
    const out: Transition[] = [];
    for (const rule of this.#rules) {
      const state = this.states.get(rule.id);
      if (state) out.push(...tickRule(rule, state, nowMs, ctx).transitions);
    }
    return out;
  }

  /** Pending and firing entities of enabled rules (of one department when given). */
  *active(department?: string): Generator<{ rule: LoadedRule; entity: string; es: EntityState }> {
    for (const rule of this.#rules) {
      if (!rule.enabled || (department !== undefined && rule.department !== department)) continue;
      for (const [entity, es] of this.states.get(rule.id)?.entities ?? []) {
        if (es.status !== 'inactive') yield { rule, entity, es };
      }
    }
  }

  counts(): { firing: number; pending: number } {
    let firing = 0;
    let pending = 0;
    for (const { es } of this.active()) {
      if (es.status === 'firing') firing++;
      else pending++;
    }
    return { firing, pending };
  }
}
