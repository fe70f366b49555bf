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
import type { Point } from '../ingest/point.ts';
import type { ActiveAlert } from './active.ts';
import { AlertBook } from './alert-book.ts';
import type { AlertsConfig } from './config.ts';
import { DecisionTiming } from './decision-timing.ts';
import { fleetEventTransitions } from './fleet-events.ts';
import type { FleetState } from './fleet-state.ts';
import type { EvalContext } from './match.ts';
import { type Mute, MuteBook, type MuteParse } from './mutes.ts';
import type { TransitionPayload } from './payload.ts';
import { NotifyPipeline, notifiable } from './pipeline.ts';
import { sendRepeats } from './repeats.ts';
import { loadRules } from './rule-loader.ts';
import { RuleRuntime } from './rule-runtime.ts';
import type { Rule } from './rule-schema.ts';
import { type SeedReport, seedFromInflux } from './seeding.ts';
import { type ServiceMetrics, serviceHealth, serviceMetrics } from './service-health.ts';
import type { AlertServiceOptions, ReloadResult } from './service-options.ts';
import { openFleet, restoreState, retiredTransition, retireGone, snapshotState } from './service-state.ts';
import { StateSaver } from './state-saver.ts';
import { StateStore } from './state-store.ts';
import { alertId } from './transition.ts';
import type { LoadedRule, Transition } from './types.ts';
import { listActive, type RetainedFiring, retainedFiring, toRenotify } from './views.ts';

export type { AlertServiceOptions, ReloadResult };

export class AlertService {
  readonly #o: AlertServiceOptions;
  #config: AlertsConfig;
  readonly #runtime = new RuleRuntime();
  readonly #book = new AlertBook();
  #mutes = new MuteBook();
  #fleet: FleetState | undefined;
  #pipeline: NotifyPipeline | undefined;
  readonly #saver: StateSaver;
  #ctx: EvalContext = {};
  #tickTimer: NodeJS.Timeout | undefined;
  #lastTickMs: number | undefined;
  #seed: SeedReport = { ok: true, entities: 0, vessels: 0 };
  readonly #decisions = new DecisionTiming();

  constructor(options: AlertServiceOptions) {
    this.#o = options;
    this.#config = options.config;
    this.#saver = new StateSaver({
      now: options.now,
      saveIntervalMs: options.saveIntervalMs ?? 10_000,
      snapshot: (now) => {
        if (!this.#fleet) return undefined;
        const { rules, states } = this.#runtime;
        return snapshotState(now, rules, states, this.#book, this.#mutes.persisted(now), this.#fleet);
      },
    });
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
    const store = this.#o.stateStore ?? new StateStore(stateDir, log);
    this.#saver.open(store);
    const gate = this.#o.mayNotify ? { beforeSend: () => this.#beforeSend() } : {};
    this.#pipeline = new NotifyPipeline({ ...this.#o, stateDir, config, ...gate });
    this.#pipeline.open();
    const persisted = await store.load();
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
          this.#o.log.error({ err }, 'alerts: tick failed');
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
    this.#saver.stop();
    this.#tickTimer = undefined;
    await this.#pipeline?.close();
    await this.#saver.save();
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
    this.#saver.touch();
    if (out.length) this.#handle(out);
    this.#decisions.add(performance.now() - started);
  }

  /** The engine's clock: time-driven transitions, repeats, grouping windows, due deliveries, saves. */
  tick(): void {
    if (!this.#pipeline) return;
    const now = this.#o.now();
    this.#lastTickMs = now;
    const out = this.#runtime.tick(now, this.#ctx);
    if (out.length) this.#handle(out);
    const { instance } = this.#o;
    const repeatIntervalMs = this.#config.repeatIntervalMs;
    const onRepeat = () => this.#saver.recorded();
    const deps = { book: this.#book, runtime: this.#runtime, mutes: this.#mutes, pipeline: this.#pipeline };
    sendRepeats({ ...deps, repeatIntervalMs, instance, onRepeat }, now);
    this.#pipeline.tick(now);
    this.#saver.tick(now);
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
    this.#saver.recorded();
    pipeline.record(recorded, nowMs);
  }

  /** Cluster mode: nothing leaves before the state that explains it is stored, nor once another hub leads. */
  async #beforeSend(): Promise<void> {
    if (!(await this.#saver.ensureSaved()))
      throw new Error('alerts: not sent: the alert state could not be stored');
    if (!(await this.#o.mayNotify?.())) throw new Error('alerts: not sent: this hub no longer leads');
  }

  /**
   * A new cluster leader notifies the firing, unacknowledged alerts again with their transition ids:
   * the old leader may have died mid-delivery, and receivers drop what they already have. Returns how many.
   */
  renotifyFiring(): number {
    const pipeline = this.#pipeline;
    if (!pipeline) return 0;
    const now = this.#o.now();
    const payloads = toRenotify(this.retainedFiring(), this.#book, this.#mutes, pipeline, now);
    pipeline.resend(payloads, now);
    return payloads.length;
  }

  /**
   * What the MQTT notifier left retained for the alerts firing now: each one's firing message (the
   * original JSON from the history, else rebuilt with the same transition id) and its topic. The hub's
   * broker keeps retained messages in memory only, so the hub publishes these again after a restart.
   */
  retainedFiring(): RetainedFiring[] {
    const now = this.#o.now();
    return retainedFiring(this.#runtime, this.#mutes, this.history(0, now + 1), this.#o.instance, now);
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
    const unseeded = 'alerts: could not seed from InfluxDB; silence counts from now';
    if (!report.ok) this.#o.log.warn({ err: report.error }, unseeded);
    if (transitions.length) this.#handle(transitions);
  }

  /** Re-reads the rules (from `config` when given, e.g. a re-read config file); an invalid set keeps the old one. */
  async reloadRules(config?: Pick<AlertsConfig, 'rules' | 'rulesFile' | 'timeScale'>): Promise<ReloadResult> {
    const source = config ?? this.#config;
    let set: ReturnType<typeof loadRules>;
    try {
      set = loadRules(source, this.#o.baseDir);
    } catch (err) {
      this.#o.log.error({ err }, 'alerts: invalid rules; the previous rules stay in force');
      return { ok: false, error: (err as Error).message };
    }
    const now = this.#o.now();
    const next = new Map(set.rules.map((r) => [r.id, r]));
    const retired = retireGone(this.#book, this.#runtime, next, now);
    const added = set.rules.filter((r) => !this.#runtime.states.has(r.id));
    const { rules, rulesFile, timeScale } = source;
    this.#config = { ...this.#config, rules, rulesFile, timeScale };
    this.#runtime.set(set.rules, set.sources);
    if (retired.length) this.#handle(retired);
    await this.#seedRules(added, false);
    this.#o.log.info({ rules: set.rules.length, retired: retired.length }, 'alerts: rules reloaded');
    return { ok: true, rules: set.rules.length };
  }

  listActive(filter: { department?: string } = {}): ActiveAlert[] {
    return listActive(this.#runtime, this.#book, this.#mutes, this.#o.now(), filter.department);
  }

  /** Transitions with fromMs ≤ time < toMs (the same JSON as on MQTT), oldest first. */
  history(fromMs: number, toMs: number): TransitionPayload[] {
    return this.#pipeline?.history(fromMs, toMs) ?? [];
  }

  /** Acknowledges a pending or firing alert: it is no longer re-notified. False when there is none. */
  ack(id: string, who: string): boolean {
    const ok = this.#book.ack(id, who, this.#o.now());
    if (ok) this.#saver.soon();
    return ok;
  }

  /** The rules in force (durations in ms, after `timeScale`). */
  rules(): Rule[] {
    return this.#runtime.rules.map(({ geometry: _geometry, filter: _filter, ...rule }) => rule as Rule);
  }

  addMute(input: unknown): MuteParse {
    const parsed = this.#mutes.add(input, this.#o.now());
    if (parsed.ok) this.#saver.soon();
    return parsed;
  }

  listMutes(): Mute[] {
    return this.#mutes.list();
  }

  /** Removes an API mute (config mutes live in the config file). */
  removeMute(id: string): boolean {
    const removed = this.#mutes.remove(id);
    if (removed) this.#saver.soon();
    return removed;
  }

  metrics(): ServiceMetrics {
    return serviceMetrics(this.#pipeline, this.#runtime, this.#decisions.p99());
  }

  health() {
    return serviceHealth(this.#pipeline, this.#runtime, {
      seed: { ...this.#seed },
      lastTickMs: this.#lastTickMs,
      stateSavedAtMs: this.#saver.savedAtMs,
    });
  }

  /** The fleet state (the hub writes `fleet().snapshot(now)` as `vessel_state` every minute). */
  fleet(): FleetState {
    if (!this.#fleet) throw new Error('AlertService.fleet() before start()');
    return this.#fleet;
  }
}
