/** The alert engine's values: per-entity state, transitions, and a rule as the engine receives it. */
import type { Geometry } from './geo.ts';
import type { Filter } from './match.ts';
import type { Rule, Severity } from './rule-schema.ts';

/**
 * A rule after loading: durations scaled (`timeScale`), `where` compiled into `filter`, a zone rule's
 * GeoJSON read into `geometry`.
 */
export type LoadedRule = Rule & { readonly filter: Filter; readonly geometry?: Geometry };

/** Where one rule+entity stands. `resolved` is a transition back to inactive, not a state. */
export type AlertStatus = 'inactive' | 'pending' | 'firing';
export type TransitionState = 'pending' | 'firing' | 'resolved';

/**
 * One rule+entity's state: plain JSON (persisted as is). The engine never mutates one; it replaces it.
 */
export interface EntityState {
  status: AlertStatus;
  /** The `groupBy` tags naming the entity, for messages made by the clock (silence). */
  tags: Record<string, string>;
  /** Start of the current episode (pending, or firing without a pending period): part of transition ids. */
  startedAtMs?: number;
  firingAtMs?: number;
  /** The last observation breached the condition (a pending alert fires only while breaching). */
  breaching?: boolean;
  /** Firing, and the condition has been clear since then (keepFiringFor). */
  clearSinceMs?: number;
  /** Last value seen (threshold: the field; zone: km to the boundary; rate: the count). */
  value?: number;
  /** silence: when the last counting point was received (hub clock). */
  lastSeenMs?: number;
  /** zone: the side of the zone the entity was last seen on. */
  side?: 'in' | 'out';
  /** rate: receipt times of the matching points within the window, oldest first. */
  events?: number[];
}

export interface RuleState {
  entities: Map<string, EntityState>;
}

export interface Transition {
  /** `${rule}:${entity}:${state}:${startedAtMs}`: the same transition always has the same id. */
  transitionId: string;
  rule: string;
  department: string;
  severity: Severity;
  entity: string;
  tags: Record<string, string>;
  state: TransitionState;
  /** The state it leaves. */
  from: AlertStatus;
  value: number | null;
  message: string;
  messageVi: string;
  /** When it happened (hub clock). */
  atMs: number;
  /** Start of the episode it belongs to. */
  startedAtMs: number;
  /** An event (departure, arrival): its `resolved` follows at once, nothing is retained. */
  oneShot?: boolean;
}

export interface EngineResult {
  state: RuleState;
  transitions: Transition[];
}
