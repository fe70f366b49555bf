/**
 * What a transition looks like outside the engine: the JSON on MQTT, in webhooks and in the history
 * (snake_case, `transition_id` the idempotency key), and the `alert` point (DESIGN.md).
 */
import { msToNs, type Point } from '../ingest/point.ts';
import type { SeriesClock } from '../ingest/time.ts';
import type { Severity } from './rule-schema.ts';
import type { Transition, TransitionState } from './types.ts';

export interface TransitionPayload {
  transition_id: string;
  /** The alert episode (what `ack` takes). */
  alert_id: string;
  rule: string;
  department: string;
  severity: Severity;
  entity: string;
  tags: Record<string, string>;
  state: TransitionState;
  from: string;
  value: number | null;
  message: string;
  message_vi: string;
  /** ISO 8601 UTC, and the same in ms. */
  time: string;
  time_ms: number;
  started_at: string;
  one_shot: boolean;
  muted: boolean;
  instance: string;
}

export function transitionPayload(
  t: Transition,
  extra: { alertId: string; muted: boolean; instance: string },
): TransitionPayload {
  return {
    transition_id: t.transitionId,
    alert_id: extra.alertId,
    rule: t.rule,
    department: t.department,
    severity: t.severity,
    entity: t.entity,
    tags: t.tags,
    state: t.state,
    from: t.from,
    value: t.value,
    message: t.message,
    message_vi: t.messageVi,
    time: new Date(t.atMs).toISOString(),
    time_ms: t.atMs,
    started_at: new Date(t.startedAtMs).toISOString(),
    one_shot: t.oneShot === true,
    muted: extra.muted,
    instance: extra.instance,
  };
}

/** The `alert` point: time = the transition's, made unique per series (40 vessels at once = 40 points). */
export function alertPoint(t: Transition, clock: SeriesClock): Point {
  const tags = { rule: t.rule, department: t.department, severity: t.severity, entity: t.entity };
  const fields: Point['fields'] = { state: t.state, message: t.message, transition_id: t.transitionId };
  if (t.value !== null && Number.isFinite(t.value)) fields.value = t.value;
  const series = `alert,${t.rule},${t.department},${t.severity},${t.entity}`;
  return { measurement: 'alert', tags, fields, time: clock.unique(series, msToNs(t.atMs)) };
}

/** One message to a notifier: a transition, or a group of them (one department, rule and state). */
export interface Notification {
  /** The idempotency key: the transition id for one transition; a stable derived id for a group. */
  id: string;
  reason: 'transition' | 'repeat';
  department: string;
  rule: string;
  severity: Severity;
  state: TransitionState;
  transitions: TransitionPayload[];
  createdAtMs: number;
}
