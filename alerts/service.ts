/**
 * AlertService: the stateful wrapper the hub uses. It evaluates rules on the live stream (`onPoints`,
 * synchronous and cheap: rules are indexed by measurement), runs the engine's clock (`tick`, every
 * second), keeps the fleet state, persists everything to `stateDir`, and hands transitions to the
 * notification pipeline. README.md in this folder describes the behaviour; the HTTP routes and the
 * operator page are thin layers over the methods below.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import type { Point } from '../ingest/point.ts';
import type { Registry } from '../ingest/registry.ts';
import { type ActiveAlert, activeAlert, bySeverityThenAge } from './active.ts';
import { AlertBook } from './alert-book.ts';
import type { AlertsConfig } from './config.ts';
import { describe } from './engine.ts';
import { fleetEventTransitions } from './fleet-events.ts';
import type { FleetState } from './fleet-state.ts';
import type { EvalContext } from './match.ts';
import { type Mute, MuteBook, type MuteParse } from './mutes.ts';
import type { PublishFn } from './notifiers/types.ts';
import { type TransitionPayload, transitionPayload } from './payload.ts';
import { NotifyPipeline, notifiable } from './pipeline.ts';
import { loadRules } from './rule-loader.ts';
import { RuleRuntime } from './rule-runtime.ts';
import type { Rule } from './rule-schema.ts';
import type { QueryFn } from './seed.ts';
import { type SeedReport, seedFromInflux } from './seeding.ts';
import { openFleet, restoreState, retiredTransition, snapshotState } from './service-state.ts';
import { type AlertStateStore, type PersistedState, StateStore } from './state-store.ts';
import { alertTopic } from './topic.ts';
import { alertId } from './transition.ts';
import type { LoadedRule, Transition } from './types.ts';

export interface AlertServiceOptions {
  config: AlertsConfig;
  /** Relative paths of the config (rulesFile, stateDir, zone files of inline rules) resolve here. */
  baseDir: string;
  registry: Registry;
  log: Logger;
  now: () => number;
  instance: string;
  publish: PublishFn;
  /** Durable (the hub's spool). */
  writePoints(points: Point[]): void;
  /** InfluxQL → rows (columns plus the series' tags; `rowsFromQueryResponse` makes them). */
  query?: QueryFn;
  /** Engine clock period, ms (default 1000); 0 = no timer, the caller calls `tick()`. */
  tickMs?: number;
  /** Save period when only last-seen times changed, ms (default 10 000). */
  saveIntervalMs?: number;
  /** Where the state lives (default `state.json` in `stateDir`; a cluster shares it through Redis). */
  stateStore?: AlertStateStore;
  /**
   * Cluster mode: asked before every delivery, after the state behind it has been stored; false = this
   * hub no longer leads and sends nothing. Unset (one hub): deliveries are not gated.
   */
  mayNotify?: () => Promise<boolean>;
}

export type ReloadResult = { ok: true; rules: number } | { ok: false; error: string };

const SAVE_SOON_MS = 200;
const DECISION_SAMPLES = 1024;

export class AlertService {
  readonly #o: AlertServiceOptions;
  #config: AlertsConfig;
  readonly #runtime = new RuleRuntime();
  readonly #book = new AlertBook();
  #mutes = new MuteBook();
  #fleet: FleetState | undefined;
  #pipeline: NotifyPipeline | undefined;
  #store: AlertStateStore | undefined;
  #ctx: EvalContext = {};
  #tickTimer: NodeJS.Timeout | undefined;
  #saveTimer: NodeJS.Timeout | undefined;
  #dirty = false;
  /** Transitions and repeats recorded, and how many of them the last stored snapshot holds. */
  #changes = 0;
  #savedChanges = 0;
  #lastSaveMs = 0;
  #lastTickMs: number | undefined;
  #seed: SeedReport = { ok: true, entities: 0, vessels: 0 };
  readonly #decisionMs: number[] = [];
  #decisionNext = 0;

  constructor(options: AlertServiceOptions) {
    this.#o = options;
    this.#config = options.config;
  }

  get #log(): Logger {
    return this.#o.log;
  }

  /** Loads rules (an invalid set stops the start), persisted state, seeds from InfluxDB, starts the clock. */
  async start(): Promise<void> {
    const { config, baseDir, registry, log } = this.#o;
    const stateDir = resolve(baseDir, config.stateDir);
    mkdirSync(stateDir, { recursive: true });
    const set = loadRules(config, baseDir);
    this.#runtime.set(set.rules, set.sources);
    this.#fleet = openFleet(config.fleet, baseDir, registry);
    this.#ctx = {
      device: (id) => registry.get(id),
      atSea: (vessel) => this.#fleet?.atSea(vessel),
    };
    this.#mutes = new MuteBook(config.mutes);
    this.#store = this.#o.stateStore ?? new StateStore(stateDir, log);
    const gate = this.#o.mayNotify ? { beforeSend: () => this.#beforeSend() } : {};
    this.#pipeline = new NotifyPipeline({ ...this.#o, stateDir, config, ...gate });
    this.#pipeline.open();
    const persisted = await this.#store.load();
    const retired = restoreState(
      persisted,
      this.#runtime.rules,
      this.#runtime.states,
      this.#book,
      this.#fleet,
    );
    this.#mutes.restore(persisted?.mutes);
    this.#handle(retired.map((meta) => retiredTransition(meta, this.#o.now())));
    await this.#seedRules(this.#runtime.rules, true);
    this.tick();
    const tickMs = this.#o.tickMs ?? 1000;
    if (tickMs > 0) {
      this.#tickTimer = setInterval(() => {
        try {
          this.tick();
        } catch (err) {
          this.#log.error({ err }, 'alerts: tick failed');
        }
      }, tickMs);
      this.#tickTimer.unref();
    }
    log.info(
      { rules: this.#runtime.rules.length, sources: this.#runtime.sources, stateDir },
      'alerts: started',
    );
  }

  /** Persists the state; open groups are sent, deliveries in flight are awaited (bounded). */
  async stop(): Promise<void> {
    clearInterval(this.#tickTimer);
    clearTimeout(this.#saveTimer);
    this.#tickTimer = undefined;
    await this.#pipeline?.close();
    await this.#save();
  }

  /** Hot path: evaluates each point against the rules of its measurement, synchronously. */
  onPoints(points: readonly Point[], receivedAtMs: number): void {
    if (!this.#pipeline || !this.#fleet) return;
    const started = performance.now();
    const out: Transition[] = [];
    for (const point of points) {
      if (point.measurement === 'vessel_position') {
        for (const event of this.#fleet.onPoint(point, receivedAtMs))
          if (this.#config.fleet.events)
            out.push(...fleetEventTransitions(event, this.#config.fleet.department));
      }
      this.#runtime.evaluate(point, receivedAtMs, this.#ctx, out);
    }
    this.#dirty = true;
    if (out.length) this.#handle(out);
    this.#decisionMs[this.#decisionNext] = performance.now() - started;
    this.#decisionNext = (this.#decisionNext + 1) % DECISION_SAMPLES;
  }

  /** The engine's clock: time-driven transitions, repeats, grouping windows, due deliveries, saves. */
  tick(): void {
    if (!this.#pipeline) return;
    const now = this.#o.now();
    this.#lastTickMs = now;
    const out = this.#runtime.tick(now, this.#ctx);
    if (out.length) this.#handle(out);
    this.#repeats(now);
    this.#pipeline.tick(now);
    const saveEvery = this.#o.saveIntervalMs ?? 10_000;
    if (this.#dirty && now - this.#lastSaveMs >= saveEvery) void this.#save();
  }

  /** Transitions (timed by the engine) leave on the service's own clock: grouping and retries use it. */
  #handle(transitions: readonly Transition[]): void {
    const pipeline = this.#pipeline as NotifyPipeline;
    const nowMs = this.#o.now();
    const recorded = transitions.map((t) => {
      const id = alertId(t.rule, t.entity, t.startedAtMs);
      const muted = this.#mutes.active(t, nowMs) !== undefined;
      const notified = !muted && notifiable(t) && pipeline.hasDepartmentNotifiers(t.department);
      this.#book.onTransition(t, id, notified ? nowMs : undefined);
      return { transition: t, alertId: id, muted };
    });
    this.#changes++;
    pipeline.record(recorded, nowMs);
    this.#scheduleSave(SAVE_SOON_MS);
  }

  /** Cluster mode: nothing leaves before the state that explains it is stored, nor once another hub leads. */
  async #beforeSend(): Promise<void> {
    const needed = this.#changes;
    if (this.#savedChanges < needed) await this.#save();
    if (this.#savedChanges < needed) throw new Error('alerts: not sent: the alert state could not be stored');
    if (!(await this.#o.mayNotify?.())) throw new Error('alerts: not sent: this hub no longer leads');
  }

  /**
   * A new cluster leader notifies the firing, unacknowledged alerts again with their transition ids:
   * the old leader may have died mid-delivery, and receivers drop what they already have. Returns how many.
   */
  renotifyFiring(): number {
    const pipeline = this.#pipeline;
    if (!pipeline) return 0;
    const payloads = this.retainedFiring()
      .map(({ payload }) => payload)
      .filter(
        (p) => !p.muted && !this.#book.get(p.alert_id)?.ack && pipeline.hasDepartmentNotifiers(p.department),
      );
    pipeline.resend(payloads, this.#o.now());
    return payloads.length;
  }

  /**
   * What the MQTT notifier left retained for the alerts firing now: each one's firing message (the
   * original JSON from the history, else rebuilt with the same transition id) and its topic. The hub's
   * broker keeps retained messages in memory only, so the hub publishes these again after a restart.
   */
  retainedFiring(): Array<{ topic: string; payload: TransitionPayload }> {
    const now = this.#o.now();
    const sent = new Map<string, TransitionPayload>();
    for (const h of this.history(0, now + 1)) if (h.state === 'firing') sent.set(h.transition_id, h);
    const out: Array<{ topic: string; payload: TransitionPayload }> = [];
    for (const { rule, entity, es } of this.#runtime.active()) {
      if (es.status !== 'firing') continue;
      const t = describe(rule, entity, es, 'firing', es.firingAtMs ?? now);
      const payload =
        sent.get(t.transitionId) ??
        transitionPayload(t, {
          alertId: alertId(rule.id, entity, t.startedAtMs),
          muted: this.#mutes.active(t, now) !== undefined,
          instance: this.#o.instance,
        });
      out.push({ topic: alertTopic(t.department, t.rule, t.entity), payload });
    }
    return out;
  }

  #repeats(nowMs: number): void {
    const pipeline = this.#pipeline as NotifyPipeline;
    for (const [id, meta] of this.#book.entries()) {
      if (!meta.firingTransitionId || meta.ack) continue;
      const rule = this.#runtime.get(meta.rule);
      const es = this.#runtime.states.get(meta.rule)?.entities.get(meta.entity);
      if (!rule || es?.status !== 'firing') continue;
      const every = rule.repeat ?? this.#config.repeatIntervalMs;
      const since = meta.lastNotifiedMs ?? es.firingAtMs ?? meta.startedAtMs;
      if (every <= 0 || nowMs - since < every || !pipeline.hasDepartmentNotifiers(meta.department)) continue;
      if (this.#mutes.active(meta, nowMs)) continue;
      meta.repeats++;
      meta.lastNotifiedMs = nowMs;
      const payload = transitionPayload(describe(rule, meta.entity, es, 'firing', nowMs), {
        alertId: id,
        muted: false,
        instance: this.#o.instance,
      });
      this.#changes++;
      pipeline.repeat(payload, meta.repeats, nowMs);
      this.#scheduleSave(SAVE_SOON_MS);
    }
  }

  async #seedRules(rules: readonly LoadedRule[], withFleet: boolean): Promise<void> {
    if (!this.#o.query) return;
    const { report, transitions } = await seedFromInflux({
      query: this.#o.query,
      rules,
      states: this.#runtime.states,
      ...(withFleet && this.#fleet ? { fleet: this.#fleet } : {}),
      ctx: this.#ctx,
      nowMs: this.#o.now(),
    });
    this.#seed = report;
    if (!report.ok)
      this.#log.warn({ err: report.error }, 'alerts: could not seed from InfluxDB; silence counts from now');
    if (transitions.length) this.#handle(transitions);
  }

  /** Re-reads the rules (from `config` when given, e.g. a re-read config file); an invalid set keeps the old one. */
  async reloadRules(config?: Pick<AlertsConfig, 'rules' | 'rulesFile' | 'timeScale'>): Promise<ReloadResult> {
    const source = config ?? this.#config;
    let set: ReturnType<typeof loadRules>;
    try {
      set = loadRules(source, this.#o.baseDir);
    } catch (err) {
      this.#log.error({ err }, 'alerts: invalid rules; the previous rules stay in force');
      return { ok: false, error: (err as Error).message };
    }
    const now = this.#o.now();
    const next = new Map(set.rules.map((r) => [r.id, r]));
    const retired: Transition[] = [];
    for (const [id, meta] of [...this.#book.entries()]) {
      if (this.#runtime.survives(meta.rule, next)) continue;
      retired.push(retiredTransition(meta, now));
      this.#book.delete(id);
    }
    this.#runtime.dropGone(next);
    const added = set.rules.filter((r) => !this.#runtime.states.has(r.id));
    this.#config = {
      ...this.#config,
      rules: source.rules,
      rulesFile: source.rulesFile,
      timeScale: source.timeScale,
    };
    this.#runtime.set(set.rules, set.sources);
    if (retired.length) this.#handle(retired);
    await this.#seedRules(added, false);
    this.#log.info({ rules: set.rules.length, retired: retired.length }, 'alerts: rules reloaded');
    return { ok: true, rules: set.rules.length };
  }

  listActive(filter: { department?: string } = {}): ActiveAlert[] {
    const now = this.#o.now();
    const out: ActiveAlert[] = [];
    for (const { rule, entity, es } of this.#runtime.active(filter.department)) {
      const t = describe(rule, entity, es, es.status === 'firing' ? 'firing' : 'pending', now);
      const id = alertId(rule.id, entity, t.startedAtMs);
      const ack = this.#book.get(id)?.ack;
      const muted = this.#mutes.active(t, now) !== undefined;
      out.push(activeAlert(id, t, es, muted, ack));
    }
    return out.sort(bySeverityThenAge);
  }

  /** Transitions with fromMs ≤ time < toMs (the same JSON as on MQTT), oldest first. */
  history(fromMs: number, toMs: number): TransitionPayload[] {
    return this.#pipeline?.history(fromMs, toMs) ?? [];
  }

  /** Acknowledges a pending or firing alert: it is no longer re-notified. False when there is none. */
  ack(id: string, who: string): boolean {
    const ok = this.#book.ack(id, who, this.#o.now());
    if (ok) this.#scheduleSave(SAVE_SOON_MS);
    return ok;
  }

  /** The rules in force (durations in ms, after `timeScale`). */
  rules(): Rule[] {
    return this.#runtime.rules.map(({ geometry: _geometry, filter: _filter, ...rule }) => rule as Rule);
  }

  addMute(input: unknown): MuteParse {
    const parsed = this.#mutes.add(input, this.#o.now());
    if (parsed.ok) this.#scheduleSave(SAVE_SOON_MS);
    return parsed;
  }

  listMutes(): Mute[] {
    return this.#mutes.list();
  }

  /** Removes an API mute (config mutes live in the config file). */
  removeMute(id: string): boolean {
    const removed = this.#mutes.remove(id);
    if (removed) this.#scheduleSave(SAVE_SOON_MS);
    return removed;
  }

  metrics(): {
    notifierFailures: number;
    byNotifier: Record<string, { sent: number; failed: number; pending: number }>;
    firing: number;
    pending: number;
    decisionMsP99: number;
  } {
    const byNotifier: Record<string, { sent: number; failed: number; pending: number }> = {};
    for (const [key, s] of Object.entries(this.#pipeline?.stats() ?? {}))
      byNotifier[key] = { sent: s.sent, failed: s.failed, pending: s.pending };
    const counts = this.#runtime.counts();
    const samples = this.#decisionMs.slice().sort((a, b) => a - b);
    const p99 = samples[Math.min(samples.length - 1, Math.floor(samples.length * 0.99))] ?? 0;
    return { notifierFailures: this.#pipeline?.failures ?? 0, byNotifier, ...counts, decisionMsP99: p99 };
  }

  health() {
    const notifiers = this.#pipeline?.stats() ?? {};
    const failing = Object.entries(notifiers)
      .filter(([, s]) => s.consecutiveFailures > 0)
      .map(([key]) => key);
    return {
      ok: this.#pipeline !== undefined && failing.length === 0,
      rules: this.#runtime.rules.length,
      sources: this.#runtime.sources,
      ...this.#runtime.counts(),
      outboxPending: this.#pipeline?.pending() ?? 0,
      failingNotifiers: failing,
      notifiers,
      seed: { ...this.#seed },
      lastTickMs: this.#lastTickMs,
      stateSavedAtMs: this.#store?.savedAtMs,
    };
  }

  /** The fleet state (the hub writes `fleet().snapshot(now)` as `vessel_state` every minute). */
  fleet(): FleetState {
    if (!this.#fleet) throw new Error('AlertService.fleet() before start()');
    return this.#fleet;
  }

  #scheduleSave(delayMs: number): void {
    this.#dirty = true;
    if (this.#saveTimer) return;
    this.#saveTimer = setTimeout(() => {
      this.#saveTimer = undefined;
      void this.#save();
    }, delayMs);
    this.#saveTimer.unref();
  }

  async #save(): Promise<void> {
    if (!this.#store || !this.#fleet) return;
    const upTo = this.#changes;
    const now = this.#o.now();
    this.#dirty = false;
    this.#lastSaveMs = now;
    const state: PersistedState = snapshotState(
      now,
      this.#runtime.rules,
      this.#runtime.states,
      this.#book,
      this.#mutes.persisted(now),
      this.#fleet,
    );
    if ((await this.#store.save(state)) && upTo > this.#savedChanges) this.#savedChanges = upTo;
  }
}
