/**
 * Bookkeeping of the pending and firing alert episodes beside the engine's states: who acknowledged
 * them and when, when they were last notified and how often they were repeated. Keyed by alert id
 * (`${rule}:${entity}:${startedAtMs}`).
 */
import type { AlertMeta } from './state-store.ts';
import type { Transition } from './types.ts';

export class AlertBook {
  readonly #meta = new Map<string, AlertMeta>();

  /** Follows a transition: a new episode is opened, a firing one stamped, a resolved one closed. */
  onTransition(t: Transition, alertId: string, notifiedAtMs: number | undefined): void {
    if (t.oneShot) return;
    if (t.state === 'resolved') {
      this.#meta.delete(alertId);
      return;
    }
    const meta: AlertMeta = this.#meta.get(alertId) ?? {
      rule: t.rule,
      department: t.department,
      severity: t.severity,
      entity: t.entity,
      tags: t.tags,
      startedAtMs: t.startedAtMs,
      repeats: 0,
    };
    if (t.state === 'firing') {
      meta.firingTransitionId = t.transitionId;
      if (notifiedAtMs !== undefined) meta.lastNotifiedMs = notifiedAtMs;
    }
    this.#meta.set(alertId, meta);
  }

  get(alertId: string): AlertMeta | undefined {
    return this.#meta.get(alertId);
  }

  ack(alertId: string, by: string, atMs: number): boolean {
    const meta = this.#meta.get(alertId);
    if (!meta) return false;
    meta.ack = { by, atMs };
    return true;
  }

  entries(): IterableIterator<[string, AlertMeta]> {
    return this.#meta.entries();
  }

  delete(alertId: string): void {
    this.#meta.delete(alertId);
  }

  toJSON(): Record<string, AlertMeta> {
    return Object.fromEntries(this.#meta);
  }

  restore(record: Record<string, AlertMeta> | undefined): void {
    for (const [id, meta] of Object.entries(record ?? {})) this.#meta.set(id, meta);
  }
}
