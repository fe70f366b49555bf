/** Building transitions: stable ids and rendered messages. */
import type { Rule } from './rule-schema.ts';
import { renderTemplate, type TemplateVars } from './template.ts';
import type { AlertStatus, Transition, TransitionState } from './types.ts';

// Ids travel in HTTP headers, URL paths, MQTT payloads and (encoded) e-mail Message-IDs: a safe subset of ASCII.
export function encodeIdPart(text: string): string {
  return text.replace(/[^A-Za-z0-9:_.,@+-]/g, (c) => encodeURIComponent(c));
}

/** The same rule, entity, state and episode start always give the same id: a re-send is recognisable. */
export function transitionId(
  rule: string,
  entity: string,
  state: TransitionState,
  startedAtMs: number,
): string {
  return `${rule}:${encodeIdPart(entity)}:${state}:${Math.round(startedAtMs)}`;
}

/** The id of one alert episode (rule, entity, start): what `ack` takes. */
export function alertId(rule: string, entity: string, startedAtMs: number): string {
  return `${rule}:${encodeIdPart(entity)}:${Math.round(startedAtMs)}`;
}

export interface TransitionInput {
  entity: string;
  tags: Record<string, string>;
  state: TransitionState;
  from: AlertStatus;
  startedAtMs: number;
  atMs: number;
  value: number | null;
  /** Extra template variables of the kind (`silentFor`, `distanceKm`, `count`, ...). */
  vars?: TemplateVars;
}

/** What a transition needs of its rule (fleet events make transitions without a rule file entry). */
export type TransitionRule = Pick<
  Rule,
  'id' | 'department' | 'severity' | 'message' | 'messageVi' | 'resolvedMessage' | 'resolvedMessageVi'
>;

export function makeTransition(rule: TransitionRule, input: TransitionInput): Transition {
  const vars: TemplateVars = {
    ...input.tags,
    ...input.vars,
    entity: input.entity,
    rule: rule.id,
    department: rule.department,
    severity: rule.severity,
    state: input.state,
    value: input.value,
  };
  const resolved = input.state === 'resolved';
  const en = resolved && rule.resolvedMessage ? rule.resolvedMessage : rule.message;
  const vi = resolved && rule.resolvedMessageVi ? rule.resolvedMessageVi : (rule.messageVi ?? rule.message);
  const plain = resolved && !rule.resolvedMessage;
  const plainVi = resolved && !rule.resolvedMessageVi;
  return {
    transitionId: transitionId(rule.id, input.entity, input.state, input.startedAtMs),
    rule: rule.id,
    department: rule.department,
    severity: rule.severity,
    entity: input.entity,
    tags: input.tags,
    state: input.state,
    from: input.from,
    value: input.value,
    message: (plain ? '[resolved] ' : '') + renderTemplate(en, vars),
    messageVi: (plainVi ? '[đã hết] ' : '') + renderTemplate(vi, vars),
    atMs: input.atMs,
    startedAtMs: input.startedAtMs,
  };
}
