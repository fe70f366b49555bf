/**
 * From transitions to the outside world: each one becomes an `alert` point (through the hub's durable
 * spool), a history entry, an MQTT message (through the outbox), and — unless muted, and only for
 * firing and for the end of a firing alert — a staged item of its department's next grouped
 * notification. All I/O leaves through the outbox, whose deliveries the dispatcher drives.
 */
import type { Logger } from 'pino';
import type { Point } from '../ingest/point.ts';
import { SeriesClock } from '../ingest/time.ts';
import type { AlertsConfig } from './config.ts';
import { Dispatcher, type NotifierStats } from './delivery.ts';
import { Grouper, notificationOf } from './grouper.ts';
import { History } from './history.ts';
import { buildNotifiers, type DepartmentNotifiers } from './notifiers/index.ts';
import { MQTT_NOTIFIER, mqttNotifier } from './notifiers/mqtt.ts';
import type { Notifier, PublishFn } from './notifiers/types.ts';
import { Outbox, type StagedItem } from './outbox.ts';
import { alertPoint, type Notification, type TransitionPayload, transitionPayload } from './payload.ts';
import type { Transition } from './types.ts';

export interface PipelineOptions {
  stateDir: string;
  config: AlertsConfig;
  log: Logger;
  now: () => number;
  instance: string;
  publish: PublishFn;
  writePoints(points: Point[]): void;
  /** Runs before every delivery attempt; a throw fails the attempt (retried). Cluster mode: "may I notify". */
  beforeSend?: () => Promise<void>;
}

export interface Recorded {
  transition: Transition;
  alertId: string;
  muted: boolean;
}

/** Worth a department notice: an alert starting to fire, or a firing one ending (not a cancelled pending). */
export function notifiable(t: Transition): boolean {
  if (t.state === 'firing') return true;
  return t.state === 'resolved' && t.from === 'firing' && !t.oneShot;
}

export class NotifyPipeline {
  readonly #o: PipelineOptions;
  readonly #clock = new SeriesClock();
  #outbox!: Outbox;
  #history!: History;
  #grouper!: Grouper;
  #dispatcher!: Dispatcher;
  #departments!: DepartmentNotifiers;
  readonly #all = new Map<string, Notifier>();
  #groupTimer: NodeJS.Timeout | undefined;

  constructor(options: PipelineOptions) {
    this.#o = options;
  }

  /** Loads the outbox and history, builds the notifiers, regroups what a crash left staged. */
  open(): void {
    const { stateDir, config, log, now } = this.#o;
    this.#outbox = new Outbox(stateDir, log);
    this.#outbox.load();
    this.#history = new History(stateDir, config.historyLimit, log);
    this.#history.load(now());
    this.#departments = buildNotifiers(config.notifiers, log);
    this.#all.set(MQTT_NOTIFIER, mqttNotifier(this.#o.publish));
    for (const [key, notifier] of this.#departments.all) this.#all.set(key, notifier);
    const gate = this.#o.beforeSend;
    if (gate)
      for (const [key, notifier] of this.#all)
        this.#all.set(key, {
          ...notifier,
          send: async (n) => {
            await gate();
            return notifier.send(n);
          },
        });
    this.#dispatcher = new Dispatcher({
      outbox: this.#outbox,
      notifiers: () => this.#all,
      retry: config.notifiers.retry,
      now,
      log,
    });
    this.#grouper = new Grouper(config.groupWindowMs, (items) => this.#flushGroup(items));
    for (const item of this.#outbox.staged()) this.#grouper.add(item, item.stagedAtMs);
  }

  hasDepartmentNotifiers(department: string): boolean {
    return this.#departments.forDepartment(department).length > 0;
  }

  record(entries: readonly Recorded[], nowMs: number): void {
    if (entries.length === 0) return;
    const points: Point[] = [];
    for (const { transition: t, alertId, muted } of entries) {
      const payload = transitionPayload(t, { alertId, muted, instance: this.#o.instance });
      points.push(alertPoint(t, this.#clock));
      this.#history.add(payload);
      this.#enqueue(MQTT_NOTIFIER, single(payload, 'transition', nowMs), nowMs);
      if (!muted && notifiable(t) && this.hasDepartmentNotifiers(t.department))
        this.#stage({ id: t.transitionId, reason: 'transition', payload, stagedAtMs: nowMs }, nowMs);
    }
    try {
      this.#o.writePoints(points);
    } catch (err) {
      this.#o.log.error({ err, points: points.length }, 'alerts: the hub refused the alert points');
    }
    this.#afterBatch(nowMs);
  }

  /** A repeat notice of a firing alert (`payload` describes it now; `n` counts its repeats). */
  repeat(payload: TransitionPayload, n: number, nowMs: number): void {
    this.#stage(
      { id: `${payload.transition_id}:repeat:${n}`, reason: 'repeat', payload, stagedAtMs: nowMs },
      nowMs,
    );
    this.#afterBatch(nowMs);
  }

  /**
   * Firing alerts notified again with their own transition ids (a new cluster leader: the old one may
   * have died mid-delivery). A notifier that already delivered one from this hub skips it (outbox ids).
   */
  resend(payloads: readonly TransitionPayload[], nowMs: number): void {
    if (payloads.length === 0) return;
    for (const payload of payloads)
      this.#stage({ id: payload.transition_id, reason: 'transition', payload, stagedAtMs: nowMs }, nowMs);
    this.#afterBatch(nowMs);
  }

  #stage(item: StagedItem, nowMs: number): void {
    this.#outbox.stage(item);
    if (this.#grouper.add(item, nowMs) && this.#o.config.groupWindowMs > 0 && !this.#groupTimer) {
      this.#groupTimer = setTimeout(() => {
        this.#groupTimer = undefined;
        this.tick(this.#o.now());
      }, this.#o.config.groupWindowMs);
      this.#groupTimer.unref();
    }
  }

  #enqueue(notifier: string, notification: Notification, nowMs: number): void {
    this.#outbox.add({
      id: `${notifier}|${notification.id}`,
      notifier,
      notification,
      createdAtMs: nowMs,
      attempts: 0,
      nextAttemptMs: 0,
    });
  }

  #flushGroup(items: StagedItem[]): void {
    const nowMs = this.#o.now();
    const notification = notificationOf(items, nowMs);
    for (const key of this.#departments.forDepartment(notification.department))
      this.#enqueue(key, notification, nowMs);
    this.#outbox.unstage(items.map((i) => i.id));
  }

  #afterBatch(nowMs: number): void {
    if (this.#o.config.groupWindowMs === 0) this.#grouper.due(nowMs, true);
    this.#history.flush();
    this.#outbox.flush();
    this.#dispatcher.pump();
  }

  /** Closes due groups and starts due deliveries (the service's clock calls it every tick). */
  tick(nowMs: number): void {
    this.#grouper.due(nowMs);
    this.#afterBatch(nowMs);
  }

  history(fromMs: number, toMs: number): TransitionPayload[] {
    return this.#history.range(fromMs, toMs);
  }

  stats(): Record<string, NotifierStats> {
    return this.#dispatcher.stats();
  }

  get failures(): number {
    return this.#dispatcher.failures;
  }

  pending(): number {
    return this.#outbox.pending();
  }

  /** Sends open groups now, waits for deliveries in flight, closes the notifiers. */
  async close(): Promise<void> {
    clearTimeout(this.#groupTimer);
    this.#grouper.due(this.#o.now(), true);
    this.#history.flush();
    this.#outbox.flush();
    this.#dispatcher.pump();
    await this.#dispatcher.close();
    for (const notifier of this.#all.values()) await notifier.close?.();
  }
}

function single(payload: TransitionPayload, reason: Notification['reason'], nowMs: number): Notification {
  return {
    id: payload.transition_id,
    reason,
    department: payload.department,
    rule: payload.rule,
    severity: payload.severity,
    state: payload.state,
    transitions: [payload],
    createdAtMs: nowMs,
  };
}
