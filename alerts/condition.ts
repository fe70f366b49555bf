/**
 * The lifecycle shared by the condition-driven kinds (threshold, zone, rate): inactive → pending →
 * firing → resolved, with a pending period (`for`), hysteresis (the band between the trigger level and
 * the clear level holds the current state, so a wobbling value makes no transitions) and `keepFiringFor`.
 * Pure: it returns a new state and what happened; the kind turns that into transitions.
 */
import type { AlertStatus, EntityState, TransitionState } from './types.ts';

/**
 * What one observation says: `breach` (the trigger condition holds), `clear` (past the clear level),
 * `band` (in between: hold), `none` (no observation: only the clock moved).
 */
export type Observation = 'breach' | 'band' | 'clear' | 'none';

export interface Timing {
  forMs: number;
  keepFiringForMs: number;
}

export interface Change {
  state: TransitionState;
  from: AlertStatus;
  startedAtMs: number;
}

export interface Step {
  next: EntityState;
  changes: Change[];
}

function reset(prev: EntityState): EntityState {
  const { startedAtMs: _s, firingAtMs: _f, clearSinceMs: _c, breaching: _b, ...rest } = prev;
  return { ...rest, status: 'inactive' };
}

export function stepCondition(timing: Timing, prev: EntityState, obs: Observation, nowMs: number): Step {
  const started = prev.startedAtMs ?? nowMs;
  switch (prev.status) {
    case 'inactive': {
      if (obs !== 'breach') return { next: prev, changes: [] };
      if (timing.forMs > 0) {
        return {
          next: { ...prev, status: 'pending', startedAtMs: nowMs, breaching: true },
          changes: [{ state: 'pending', from: 'inactive', startedAtMs: nowMs }],
        };
      }
      return {
        next: { ...prev, status: 'firing', startedAtMs: nowMs, firingAtMs: nowMs, breaching: true },
        changes: [{ state: 'firing', from: 'inactive', startedAtMs: nowMs }],
      };
    }
    case 'pending': {
      if (obs === 'clear')
        return { next: reset(prev), changes: [{ state: 'resolved', from: 'pending', startedAtMs: started }] };
      const breaching = obs === 'none' ? prev.breaching === true : obs === 'breach';
      // Fires only while the condition holds: a value resting in the band keeps it pending.
      if (breaching && nowMs - started >= timing.forMs) {
        return {
          next: { ...prev, status: 'firing', firingAtMs: nowMs, breaching },
          changes: [{ state: 'firing', from: 'pending', startedAtMs: started }],
        };
      }
      return { next: breaching === prev.breaching ? prev : { ...prev, breaching }, changes: [] };
    }
    case 'firing': {
      if (obs === 'breach' || obs === 'band') {
        const breaching = obs === 'breach';
        if (prev.clearSinceMs === undefined && prev.breaching === breaching)
          return { next: prev, changes: [] };
        const { clearSinceMs: _c, ...rest } = prev;
        return { next: { ...rest, breaching }, changes: [] };
      }
      const clearSince = obs === 'clear' ? (prev.clearSinceMs ?? nowMs) : prev.clearSinceMs;
      if (clearSince !== undefined && nowMs - clearSince >= timing.keepFiringForMs)
        return { next: reset(prev), changes: [{ state: 'resolved', from: 'firing', startedAtMs: started }] };
      if (clearSince === prev.clearSinceMs) return { next: prev, changes: [] };
      return { next: { ...prev, clearSinceMs: clearSince, breaching: false }, changes: [] };
    }
  }
}
