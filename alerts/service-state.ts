/**
 * The service's state on disk and back: snapshots for `state.json`, restoring it against the rules now
 * in force, the `resolved` transition of an alert whose rule went away, and the fleet's geofences.
 */

import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Registry } from '../ingest/registry.ts';
import type { AlertBook } from './alert-book.ts';
import type { FleetConfig } from './config.ts';
import { newRuleState } from './engine.ts';
import { FleetState } from './fleet-state.ts';
import type { Mute } from './mutes.ts';
import type { RuleRuntime } from './rule-runtime.ts';
import type { AlertMeta, PersistedState } from './state-store.ts';
import { makeTransition } from './transition.ts';
import type { LoadedRule, RuleState, Transition } from './types.ts';
import { loadZoneFile } from './zones.ts';

export const DEFAULT_PORTS_FILE = fileURLToPath(new URL('./zones/hue-ports.geojson', import.meta.url));
export const DEFAULT_ZONES_FILE = fileURLToPath(new URL('./zones/hue.geojson', import.meta.url));

export function openFleet(config: FleetConfig, baseDir: string, registry: Registry): FleetState {
  const ports = loadZoneFile(config.portsFile ? resolve(baseDir, config.portsFile) : DEFAULT_PORTS_FILE);
  const zones = loadZoneFile(config.zonesFile ? resolve(baseDir, config.zonesFile) : DEFAULT_ZONES_FILE);
  return new FleetState({ ports, zones, registry });
}

export function snapshotState(
  nowMs: number,
  rules: readonly LoadedRule[],
  states: ReadonlyMap<string, RuleState>,
  book: AlertBook,
  apiMutes: readonly Mute[],
  fleet: FleetState,
): PersistedState {
  const out: PersistedState['rules'] = {};
  for (const rule of rules) {
    const state = states.get(rule.id);
    if (state) out[rule.id] = { kind: rule.kind, entities: Object.fromEntries(state.entities) };
  }
  return {
    version: 1,
    savedAtMs: nowMs,
    rules: out,
    alerts: book.toJSON(),
    mutes: [...apiMutes],
    fleet: fleet.toJSON(),
  };
}

/**
 * Puts the persisted entity states back for the rules still in force with the same kind. Returns the
 * bookkeeping of alerts whose rule is gone or changed kind: the caller resolves them.
 */
export function restoreState(
  persisted: PersistedState | undefined,
  rules: readonly LoadedRule[],
  states: Map<string, RuleState>,
  book: AlertBook,
  fleet: FleetState,
): AlertMeta[] {
  if (!persisted) return [];
  const kept = new Set<string>();
  for (const rule of rules) {
    const saved = persisted.rules[rule.id];
    if (!rule.enabled || !saved || saved.kind !== rule.kind) continue;
    const state = newRuleState();
    for (const [entity, es] of Object.entries(saved.entities)) state.entities.set(entity, es);
    states.set(rule.id, state);
    kept.add(rule.id);
  }
  const retired: AlertMeta[] = [];
  for (const [id, meta] of Object.entries(persisted.alerts ?? {})) {
    if (kept.has(meta.rule)) book.restore({ [id]: meta });
    else retired.push(meta);
  }
  fleet.restore(persisted.fleet ?? []);
  return retired;
}

/**
 * A reload to the rule set `next`: the alerts whose rule does not survive it leave the book and the
 * runtime forgets those rules' states. Returns the `resolved` transitions that end them.
 */
export function retireGone(
  book: AlertBook,
  runtime: RuleRuntime,
  next: ReadonlyMap<string, LoadedRule>,
  nowMs: number,
): Transition[] {
  const retired: Transition[] = [];
  for (const [id, meta] of [...book.entries()]) {
    if (runtime.survives(meta.rule, next)) continue;
    retired.push(retiredTransition(meta, nowMs));
    book.delete(id);
  }
  runtime.dropGone(next);
  return retired;
}

/** The end of an alert whose rule was removed, disabled or changed kind. */
export function retiredTransition(meta: AlertMeta, nowMs: number): Transition {
  const rule = {
    id: meta.rule,
    department: meta.department,
    severity: meta.severity,
    message: 'Rule {rule} was removed or changed: the alert on {entity} ends',
    messageVi: 'Quy tắc {rule} đã bị gỡ hoặc thay đổi: cảnh báo về {entity} kết thúc',
    resolvedMessage: 'Rule {rule} was removed or changed: the alert on {entity} ends',
    resolvedMessageVi: 'Quy tắc {rule} đã bị gỡ hoặc thay đổi: cảnh báo về {entity} kết thúc',
  };
  return makeTransition(rule, {
    entity: meta.entity,
    tags: meta.tags ?? {},
    state: 'resolved',
    from: meta.firingTransitionId ? 'firing' : 'pending',
    startedAtMs: meta.startedAtMs,
    atMs: nowMs,
    value: null,
  });
}
