/**
 * Drives the outbox: one delivery in flight per notifier, in order, retried with exponential backoff
 * (`retry.minMs` doubling to `retry.maxMs`). A failing notifier only delays its own queue; the engine
 * never waits for it. An entry that fails permanently (HTTP 4xx) or for longer than `retry.maxAgeMs`
 * is dropped with an error log and counted: never silently.
 */
import type { Logger } from 'pino';
import { AlertsError } from './errors.ts';
import type { RetryConfig } from './notifiers/config.ts';
import type { Notifier } from './notifiers/types.ts';
import type { Outbox, OutboxEntry } from './outbox.ts';

export interface NotifierStats {
  sent: number;
  /** Failed attempts (each retry counts). */
  failed: number;
  /** Entries given up on. */
  dropped: number;
  pending: number;
  consecutiveFailures: number;
  lastError?: string;
  lastErrorAtMs?: number;
  lastSentAtMs?: number;
}

export interface DispatcherOptions {
  outbox: Outbox;
  notifiers: () => ReadonlyMap<string, Notifier>;
  retry: RetryConfig;
  now: () => number;
  log: Logger;
}

export function backoffMs(retry: RetryConfig, attempts: number): number {
  return Math.min(retry.maxMs, retry.minMs * 2 ** Math.max(0, attempts - 1));
}

export class Dispatcher {
  readonly #o: DispatcherOptions;
  readonly #busy = new Set<string>();
  readonly #stats = new Map<string, Omit<NotifierStats, 'pending'>>();
  readonly #inflight = new Set<Promise<void>>();
  #timer: NodeJS.Timeout | undefined;
  #timerAt = Number.POSITIVE_INFINITY;
  #closed = false;
  /** Failed attempts of every notifier since start (the `hub` point's `notifier_failures`). */
  failures = 0;

  constructor(options: DispatcherOptions) {
    this.#o = options;
  }

  #statsOf(key: string): Omit<NotifierStats, 'pending'> {
    let s = this.#stats.get(key);
    if (!s) {
      s = { sent: 0, failed: 0, dropped: 0, consecutiveFailures: 0 };
      this.#stats.set(key, s);
    }
    return s;
  }

  stats(): Record<string, NotifierStats> {
    const out: Record<string, NotifierStats> = {};
    const keys = new Set([
      ...this.#o.notifiers().keys(),
      ...this.#stats.keys(),
      ...this.#o.outbox.notifiers(),
    ]);
    for (const key of keys) out[key] = { ...this.#statsOf(key), pending: this.#o.outbox.pending(key) };
    return out;
  }

  /** Starts every delivery that is due; schedules itself for the next retry. */
  pump(): void {
    if (this.#closed) return;
    const now = this.#o.now();
    const { outbox } = this.#o;
    for (const key of outbox.notifiers()) {
      if (this.#busy.has(key)) continue;
      let head = outbox.head(key);
      const notifier = this.#o.notifiers().get(key);
      while (head && !notifier) {
        this.#o.log.error(
          { notifier: key, id: head.notification.id },
          'alerts: no such notifier any more; dropped',
        );
        outbox.drop(head.id, 'notifier removed from the config');
        this.#statsOf(key).dropped++;
        head = outbox.head(key);
      }
      if (!head || !notifier) continue;
      if (head.nextAttemptMs > now) this.#wakeIn(head.nextAttemptMs - now);
      else this.#send(notifier, head);
    }
    outbox.flush();
  }

  #wakeIn(delayMs: number): void {
    const at = Date.now() + delayMs;
    if (at >= this.#timerAt) return;
    clearTimeout(this.#timer);
    this.#timerAt = at;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#timerAt = Number.POSITIVE_INFINITY;
      this.pump();
    }, delayMs);
    this.#timer.unref();
  }

  #send(notifier: Notifier, entry: OutboxEntry): void {
    const key = notifier.key;
    this.#busy.add(key);
    const stats = this.#statsOf(key);
    const done = notifier.send(entry.notification).then(
      () => {
        this.#o.outbox.done(entry.id);
        stats.sent++;
        stats.consecutiveFailures = 0;
        stats.lastSentAtMs = this.#o.now();
      },
      (err: unknown) => this.#failed(key, entry, err),
    );
    const tracked = done.finally(() => {
      this.#busy.delete(key);
      this.#inflight.delete(tracked);
      this.#o.outbox.flush();
      this.pump();
    });
    this.#inflight.add(tracked);
  }

  #failed(key: string, entry: OutboxEntry, err: unknown): void {
    const now = this.#o.now();
    const stats = this.#statsOf(key);
    const message = (err as Error)?.message ?? String(err);
    entry.attempts++;
    entry.lastError = message;
    stats.failed++;
    stats.consecutiveFailures++;
    stats.lastError = message;
    stats.lastErrorAtMs = now;
    this.failures++;
    const permanent = err instanceof AlertsError && err.permanent;
    if (permanent || now - entry.createdAtMs >= this.#o.retry.maxAgeMs) {
      this.#o.outbox.drop(entry.id, message);
      stats.dropped++;
      this.#o.log.error(
        { notifier: key, id: entry.notification.id, attempts: entry.attempts, err },
        permanent ? 'alerts: notification refused; dropped' : 'alerts: notification undeliverable; dropped',
      );
      return;
    }
    entry.nextAttemptMs = now + backoffMs(this.#o.retry, entry.attempts);
    this.#o.log.warn(
      {
        notifier: key,
        id: entry.notification.id,
        attempts: entry.attempts,
        retryAtMs: entry.nextAttemptMs,
        err: message,
      },
      'alerts: notification failed; will retry',
    );
  }

  /** Stops new deliveries and waits (up to `timeoutMs`) for those in flight. */
  async close(timeoutMs = 5000): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    const wait = Promise.allSettled([...this.#inflight]);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
      timer.unref();
    });
    await Promise.race([wait, timeout]);
    clearTimeout(timer);
    this.#o.outbox.flush();
  }
}
