/** Turns the condition machine's changes into transitions carrying the entity's latest value. */
import type { Change } from '../condition.ts';
import type { Rule } from '../rule-schema.ts';
import type { TemplateVars } from '../template.ts';
import { makeTransition } from '../transition.ts';
import type { EntityState, Transition } from '../types.ts';

export function transitionsOf(
  rule: Rule,
  entity: string,
  next: EntityState,
  changes: readonly Change[],
  nowMs: number,
  vars?: TemplateVars,
): Transition[] {
  return changes.map((change) =>
    makeTransition(rule, {
      entity,
      tags: next.tags,
      ...change,
      atMs: nowMs,
      value: next.value ?? null,
      ...(vars ? { vars } : {}),
    }),
  );
}
