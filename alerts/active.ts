/** A pending or firing alert as `GET /api/alerts` and the operator page show it. */
import type { Severity } from './rule-schema.ts';
import type { EntityState, Transition } from './types.ts';

export interface ActiveAlert {
  /** Alert episode id: what `ack` takes. */
  id: string;
  rule: string;
  department: string;
  severity: Severity;
  entity: string;
  tags: Record<string, string>;
  state: 'pending' | 'firing';
  value: number | null;
  message: string;
  messageVi: string;
  /** Id of the transition that put it in its current state. */
  transitionId: string;
  startedAtMs: number;
  firingAtMs?: number;
  ack?: { by: string; atMs: number };
  muted: boolean;
}

/** `t` describes the alert now (engine `describe`); `es` is its entity state. */
export function activeAlert(
  id: string,
  t: Transition,
  es: EntityState,
  muted: boolean,
  ack: ActiveAlert['ack'],
): ActiveAlert {
  const alert: ActiveAlert = {
    id,
    rule: t.rule,
    department: t.department,
    severity: t.severity,
    entity: t.entity,
    tags: es.tags,
    state: es.status === 'firing' ? 'firing' : 'pending',
    value: t.value,
    message: t.message,
    messageVi: t.messageVi,
    transitionId: t.transitionId,
    startedAtMs: t.startedAtMs,
    muted,
  };
  if (es.firingAtMs !== undefined) alert.firingAtMs = es.firingAtMs;
  if (ack) alert.ack = ack;
  return alert;
}

const SEVERITY_ORDER: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };

/** Critical first, then oldest first. */
export function bySeverityThenAge(a: ActiveAlert, b: ActiveAlert): number {
  return SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.startedAtMs - b.startedAtMs;
}
