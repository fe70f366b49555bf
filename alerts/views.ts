/**
 * Read-only views of the alerts in force for the HTTP routes, the operator page and a restarted or
 * newly leading hub: the active list, and the firing messages the MQTT notifier left retained.
 */
import { type ActiveAlert, activeAlert, bySeverityThenAge } from './active.ts';
import type { AlertBook } from './alert-book.ts';
import { describe } from './engine.ts';
import type { MuteBook } from './mutes.ts';
import { type TransitionPayload, transitionPayload } from './payload.ts';
import type { RuleRuntime } from './rule-runtime.ts';
import { alertTopic } from './topic.ts';
import { alertId } from './transition.ts';

export type RetainedFiring = { topic: string; payload: TransitionPayload };

export function listActive(
  runtime: RuleRuntime,
  book: AlertBook,
  mutes: MuteBook,
  nowMs: number,
  department?: string,
): ActiveAlert[] {
  const out: ActiveAlert[] = [];
  for (const { rule, entity, es } of runtime.active(department)) {
    const t = describe(rule, entity, es, es.status === 'firing' ? 'firing' : 'pending', nowMs);
    const id = alertId(rule.id, entity, t.startedAtMs);
    const ack = book.get(id)?.ack;
    const muted = mutes.active(t, nowMs) !== undefined;
    out.push(activeAlert(id, t, es, muted, ack));
  }
  return out.sort(bySeverityThenAge);
}

/**
 * Each firing alert's firing message (the original JSON from `history`, else rebuilt with the same
 * transition id) and its topic.
 */
export function retainedFiring(
  runtime: RuleRuntime,
  mutes: MuteBook,
  history: readonly TransitionPayload[],
  instance: string,
  nowMs: number,
): RetainedFiring[] {
  const sent = new Map<string, TransitionPayload>();
  for (const h of history) if (h.state === 'firing') sent.set(h.transition_id, h);
  const out: RetainedFiring[] = [];
  for (const { rule, entity, es } of runtime.active()) {
    if (es.status !== 'firing') continue;
    const t = describe(rule, entity, es, 'firing', es.firingAtMs ?? nowMs);
    const payload =
      sent.get(t.transitionId) ??
      transitionPayload(t, {
        alertId: alertId(rule.id, entity, t.startedAtMs),
        muted: mutes.active(t, nowMs) !== undefined,
        instance,
      });
    out.push({ topic: alertTopic(t.department, t.rule, t.entity), payload });
  }
  return out;
}

/**
 * What a newly leading hub notifies again: the firing messages of alerts not acknowledged, not muted
 * now (the mutes in force now, as repeats do: a message's own `muted` is how things stood when it was
 * sent), for departments that have a notifier.
 */
export function toRenotify(
  firing: readonly RetainedFiring[],
  book: AlertBook,
  mutes: MuteBook,
  pipeline: { hasDepartmentNotifiers(department: string): boolean },
  nowMs: number,
): TransitionPayload[] {
  return firing
    .map(({ payload }) => payload)
    .filter(
      (p) =>
        !mutes.active(p, nowMs) &&
        !book.get(p.alert_id)?.ack &&
        pipeline.hasDepartmentNotifiers(p.department),
    );
}
