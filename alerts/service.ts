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
import { AlertBook } from './alert-book.ts';
import type { AlertsConfig } from './config.ts';
import { describe, evaluatePoint, newRuleState, tickRule } from './engine.ts';
import { fleetEventTransitions } from './fleet-events.ts';
import type { FleetState } from './fleet-state.ts';
import { seedSilence } from './kinds/silence.ts';
import { type EvalContext, matchesRegistry } from './match.ts';
import { activeMute, type Mute, type MuteParse, parseMute } from './mutes.ts';
import type { PublishFn } from './notifiers/types.ts';
import { type TransitionPayload, transitionPayload } from './payload.ts';
import { NotifyPipeline, notifiable } from './pipeline.ts';
import { loadRules } from './rule-loader.ts';
import type { Rule, Severity } from './rule-schema.ts';
import { fleetSeedQuery, lastSeen, parseFleetSeed, type QueryFn, type Row } from './seed.ts';
import { openFleet, restoreState, retiredTransition, snapshotState } from './service-state.ts';
import { type PersistedState, StateStore } from './state-store.ts';
import { alertId } from './transition.ts';
import type { LoadedRule, RuleState, Transition } from './types.ts';

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
}

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

export type ReloadResult = { ok: true; rules: number } | { ok: false; error: string };

const SEVERITY_ORDER: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };
const SAVE_SOON_MS = 200;
const DECISION_SAMPLES = 1024;

export class AlertService {
  readonly #o: AlertServiceOptions;
  #config: AlertsConfig;
  #rules: LoadedRule[] = [];
  #ruleById = new Map<string, LoadedRule>();
  #sources: string[] = [];
  #byMeasurement = new Map<string, LoadedRule[]>();
  #states = new Map<string, RuleState>();
  readonly #book = new AlertBook();
  #configMutes: Mute[] = [];
  #apiMutes: Mute[] = [];
  #fleet: FleetState | undefined;
  #pipeline: NotifyPipeline | undefined;
  #store: StateStore | undefined;
  #ctx: EvalContext = {};
  #tickTimer: NodeJS.Timeout | undefined;
  #saveTimer: NodeJS.Timeout | undefined;
  #dirty = false;
  #lastSaveMs = 0;
  #lastTickMs: number | undefined;
  #seed: { ok: boolean; error?: string; entities: number; vessels: number } = {
    ok: true,
    entities: 0,
    vessels: 0,
  };
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
    this.#setRules(set.rules, set.sources);
    this.#fleet = openFleet(config.fleet, baseDir, registry);
    this.#ctx = {
      device: (id) => registry.get(id),
      atSea: (vessel) => this.#fleet?.atSea(vessel),
    };
    this.#configMutes = config.mutes.flatMap((input, i) => {
      const parsed = parseMute({ id: `config-${i}`, ...input }, 0, 'config');
      return parsed.ok ? [parsed.mute] : [];
    });
    this.#store = new StateStore(stateDir, log);
    this.#pipeline = new NotifyPipeline({ ...this.#o, stateDir, config });
    this.#pipeline.open();
    const persisted = this.#store.load();
    const retired = restoreState(persisted, this.#rules, this.#states, this.#book, this.#fleet);
    this.#apiMutes = persisted?.mutes ?? [];
    this.#handle(
      retired.map((meta) => retiredTransition(meta, this.#o.now())),
      this.#o.now(),
    );
    await this.#seedFromInflux(this.#rules, true);
    this.tick();
    const tickMs = this.#o.tickMs ?? 1000;
    if (tickMs > 0) {
      this.#tickTimer = setInterval(() => this.tick(), tickMs);
      this.#tickTimer.unref();
    }
    log.info({ rules: this.#rules.length, sources: this.#sources, stateDir }, 'alerts: started');
  }

  /** Persists the state; open groups are sent, deliveries in flight are awaited (bounded). */
  async stop(): Promise<void> {
    clearInterval(this.#tickTimer);
    clearTimeout(this.#saveTimer);
    this.#tickTimer = undefined;
    await this.#pipeline?.close();
    await this.#save();
  }

  #setRules(rules: LoadedRule[], sources: string[]): void {
    this.#rules = rules;
    this.#ruleById = new Map(rules.map((r) => [r.id, r]));
    this.#sources = sources;
    this.#byMeasurement = new Map();
    for (const rule of rules) {
      if (!rule.enabled) continue;
      const list = this.#byMeasurement.get(rule.measurement) ?? [];
      list.push(rule);
      this.#byMeasurement.set(rule.measurement, list);
      if (!this.#states.has(rule.id)) this.#states.set(rule.id, newRuleState());
    }
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
      const rules = this.#byMeasurement.get(point.measurement);
      if (!rules) continue;
      for (const rule of rules) {
        const state = this.#states.get(rule.id) as RuleState;
        out.push(...evaluatePoint(rule, state, point, receivedAtMs, this.#ctx).transitions);
      }
    }
    this.#dirty = true;
    if (out.length) this.#handle(out, receivedAtMs);
    this.#decisionMs[this.#decisionNext] = performance.now() - started;
    this.#decisionNext = (this.#decisionNext + 1) % DECISION_SAMPLES;
  }

  /** The engine's clock: time-driven transitions, repeats, grouping windows, due deliveries, saves. */
  tick(): void {
    if (!this.#pipeline) return;
    const now = this.#o.now();
    this.#lastTickMs = now;
    const out: Transition[] = [];
    for (const rule of this.#rules) {
      const state = this.#states.get(rule.id);
      if (state) out.push(...tickRule(rule, state, now, this.#ctx).transitions);
    }
    if (out.length) this.#handle(out, now);
    this.#repeats(now);
    this.#pipeline.tick(now);
    const saveEvery = this.#o.saveIntervalMs ?? 10_000;
    if (this.#dirty && now - this.#lastSaveMs >= saveEvery) void this.#save();
  }

  #mutes(): Mute[] {
    return [...this.#configMutes, ...this.#apiMutes];
  }

  #handle(transitions: readonly Transition[], nowMs: number): void {
    const pipeline = this.#pipeline as NotifyPipeline;
    const recorded = transitions.map((t) => {
      const id = alertId(t.rule, t.entity, t.startedAtMs);
      const muted = activeMute(this.#mutes(), t, nowMs) !== undefined;
      const notified = !muted && notifiable(t) && pipeline.hasDepartmentNotifiers(t.department);
      this.#book.onTransition(t, id, notified ? nowMs : undefined);
      return { transition: t, alertId: id, muted };
    });
    pipeline.record(recorded, nowMs);
    this.#scheduleSave(SAVE_SOON_MS);
  }

  #repeats(nowMs: number): void {
    const pipeline = this.#pipeline as NotifyPipeline;
    for (const [id, meta] of this.#book.entries()) {
      if (!meta.firingTransitionId || meta.ack) continue;
      const rule = this.#ruleById.get(meta.rule);
      const es = this.#states.get(meta.rule)?.entities.get(meta.entity);
      if (!rule || es?.status !== 'firing') continue;
      const every = rule.repeat ?? this.#config.repeatIntervalMs;
      const since = meta.lastNotifiedMs ?? es.firingAtMs ?? meta.startedAtMs;
      if (every <= 0 || nowMs - since < every || !pipeline.hasDepartmentNotifiers(meta.department)) continue;
      if (activeMute(this.#mutes(), meta, nowMs)) continue;
      meta.repeats++;
      meta.lastNotifiedMs = nowMs;
      const payload = transitionPayload(describe(rule, meta.entity, es, 'firing', nowMs), {
        alertId: id,
        muted: false,
        instance: this.#o.instance,
      });
      pipeline.repeat(payload, meta.repeats, nowMs);
      this.#scheduleSave(SAVE_SOON_MS);
    }
  }

  async #seedFromInflux(rules: readonly LoadedRule[], withFleet: boolean): Promise<void> {
    const raw = this.#o.query;
    if (!raw) return;
    const now = this.#o.now();
    // Rules sharing a measurement and filter (6 h and 10 d silence) share their seed queries.
    const asked = new Map<string, Promise<Row[]>>();
    const query: QueryFn = (influxql) => {
      let rows = asked.get(influxql);
      if (!rows) {
        rows = raw(influxql);
        asked.set(influxql, rows);
      }
      return rows;
    };
    try {
      if (withFleet && this.#fleet) {
        const positions = parseFleetSeed(await query(fleetSeedQuery()));
        for (const p of positions) this.#fleet.seed(p.vessel, p.lat, p.lon, p.ms);
        this.#seed.vessels = positions.length;
      }
      const out: Transition[] = [];
      for (const rule of rules) {
        if (rule.kind !== 'silence' || !rule.enabled) continue;
        const state = this.#states.get(rule.id) as RuleState;
        for (const [entity, seen] of await lastSeen(rule, query)) {
          if (!matchesRegistry(rule.where, rule.groupBy, seen.tags, this.#ctx)) continue;
          const result = seedSilence(rule, state.entities.get(entity), entity, seen.tags, seen.ms, now);
          if (result.entity) state.entities.set(entity, result.entity);
          out.push(...result.transitions);
          this.#seed.entities++;
        }
      }
      if (out.length) this.#handle(out, now);
      this.#seed.ok = true;
      delete this.#seed.error;
    } catch (err) {
      this.#seed.ok = false;
      this.#seed.error = (err as Error).message;
      this.#log.warn(
        { err },
        'alerts: could not seed last-seen times from InfluxDB; silence counts from now',
      );
    }
  }

  /** Re-reads the rules (from `config` when given, e.g. a re-read config file); an invalid set keeps the old one. */
  async reloadRules(config?: AlertsConfig): Promise<ReloadResult> {
    const next = config ?? this.#config;
    let set: ReturnType<typeof loadRules>;
    try {
      set = loadRules(next, this.#o.baseDir);
    } catch (err) {
      this.#log.error({ err }, 'alerts: invalid rules; the previous rules stay in force');
      return { ok: false, error: (err as Error).message };
    }
    const now = this.#o.now();
    const byId = new Map(set.rules.map((r) => [r.id, r]));
    const retired: Transition[] = [];
    for (const [id, meta] of [...this.#book.entries()]) {
      const rule = byId.get(meta.rule);
      const old = this.#ruleById.get(meta.rule);
      if (rule?.enabled && rule.kind === old?.kind) continue;
      retired.push(retiredTransition(meta, now));
      this.#book.delete(id);
    }
    for (const old of this.#rules) {
      const rule = byId.get(old.id);
      if (!rule?.enabled || rule.kind !== old.kind) this.#states.delete(old.id);
    }
    const added = set.rules.filter((r) => !this.#states.has(r.id));
    this.#config = {
      ...this.#config,
      rules: next.rules,
      rulesFile: next.rulesFile,
      timeScale: next.timeScale,
    };
    this.#setRules(set.rules, set.sources);
    if (retired.length) this.#handle(retired, now);
    await this.#seedFromInflux(added, false);
    this.#log.info({ rules: set.rules.length, retired: retired.length }, 'alerts: rules reloaded');
    return { ok: true, rules: set.rules.length };
  }

  listActive(filter: { department?: string } = {}): ActiveAlert[] {
    const now = this.#o.now();
    const out: ActiveAlert[] = [];
    for (const rule of this.#rules) {
      if (!rule.enabled || (filter.department !== undefined && rule.department !== filter.department))
        continue;
      for (const [entity, es] of this.#states.get(rule.id)?.entities ?? []) {
        if (es.status === 'inactive') continue;
        const t = describe(rule, entity, es, es.status, now);
        const id = alertId(rule.id, entity, t.startedAtMs);
        const meta = this.#book.get(id);
        const alert: ActiveAlert = {
          id,
          rule: rule.id,
          department: rule.department,
          severity: rule.severity,
          entity,
          tags: es.tags,
          state: es.status,
          value: t.value,
          message: t.message,
          messageVi: t.messageVi,
          transitionId: t.transitionId,
          startedAtMs: t.startedAtMs,
          muted: activeMute(this.#mutes(), t, now) !== undefined,
        };
        if (es.firingAtMs !== undefined) alert.firingAtMs = es.firingAtMs;
        if (meta?.ack) alert.ack = meta.ack;
        out.push(alert);
      }
    }
    return out.sort(
      (a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.startedAtMs - b.startedAtMs,
    );
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
    return this.#rules.map(({ geometry: _geometry, ...rule }) => rule as Rule);
  }

  addMute(input: unknown): MuteParse {
    const parsed = parseMute(input, this.#o.now(), 'api');
    if (parsed.ok) {
      this.#apiMutes = [...this.#apiMutes.filter((m) => m.id !== parsed.mute.id), parsed.mute];
      this.#scheduleSave(SAVE_SOON_MS);
    }
    return parsed;
  }

  listMutes(): Mute[] {
    return this.#mutes();
  }

  /** Removes an API mute (config mutes live in the config file). */
  removeMute(id: string): boolean {
    const before = this.#apiMutes.length;
    this.#apiMutes = this.#apiMutes.filter((m) => m.id !== id);
    if (this.#apiMutes.length === before) return false;
    this.#scheduleSave(SAVE_SOON_MS);
    return true;
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
    const counts = this.#counts();
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
      rules: this.#rules.length,
      sources: this.#sources,
      ...this.#counts(),
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

  #counts(): { firing: number; pending: number } {
    let firing = 0;
    let pending = 0;
    for (const state of this.#states.values()) {
      for (const es of state.entities.values()) {
        if (es.status === 'firing') firing++;
        else if (es.status === 'pending') pending++;
      }
    }
    return { firing, pending };
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
    const now = this.#o.now();
    this.#dirty = false;
    this.#lastSaveMs = now;
    // Expired API mutes are dropped a day after their end (kept a while for the operator page).
    this.#apiMutes = this.#apiMutes.filter((m) => m.toMs > now - 86_400_000);
    const state: PersistedState = snapshotState(
      now,
      this.#rules,
      this.#states,
      this.#book,
      this.#apiMutes,
      this.#fleet,
    );
    await this.#store.save(state);
  }
}
