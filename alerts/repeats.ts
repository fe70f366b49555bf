/**
 * Re-notification of firing alerts nobody acknowledged: every rule's `repeat` (else the config's
 * `repeatIntervalMs`) since the last notification, unless muted or the department has no notifier.
 */
import type { AlertBook } from './alert-book.ts';
import { describe } from './engine.ts';
import type { MuteBook } from './mutes.ts';
import { transitionPayload } from './payload.ts';
import type { NotifyPipeline } from './pipeline.ts';
import type { RuleRuntime } from './rule-runtime.ts';

export interface RepeatDeps {
  book: AlertBook;
  runtime: RuleRuntime;
  mutes: MuteBook;
  pipeline: NotifyPipeline;
  repeatIntervalMs: number;
  instance: string;
  /** Called before each repeat is handed to the pipeline (the state behind it must be saved first). */
  onRepeat: () => void;
}

export function sendRepeats(d: RepeatDeps, nowMs: number): void {
  for (const [id, meta] of d.book.entries()) {
    if (!meta.firingTransitionId || meta.ack) continue;
    const rule = d.runtime.get(meta.rule);
    const es = d.runtime.states.get(meta.rule)?.entities.get(meta.entity);
    if (!rule || es?.status !== 'firing') continue;
    const every = rule.repeat ?? d.repeatIntervalMs;
    const since = meta.lastNotifiedMs ?? es.firingAtMs ?? meta.startedAtMs;
    if (every <= 0 || nowMs - since < every || !d.pipeline.hasDepartmentNotifiers(meta.department)) continue;
    if (d.mutes.active(meta, nowMs)) continue;
    meta.repeats++;
    meta.lastNotifiedMs = nowMs;
    const payload = transitionPayload(describe(rule, meta.entity, es, 'firing', nowMs), {
      alertId: id,
      muted: false,
      instance: d.instance,
    });
    d.onRepeat();
    d.pipeline.repeat(payload, meta.repeats, nowMs);
  }
}
