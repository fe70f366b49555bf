/**
 * Departures and arrivals at the port geofences as alert-like events (rule ids `vessel-departure`,
 * `vessel-arrival`, severity info): a `firing` transition followed at once by its `resolved`, both
 * marked one-shot (published non-retained, notified once, never "active").
 */
import type { FleetEvent } from './fleet-state.ts';
import { makeTransition, type TransitionRule } from './transition.ts';
import type { Transition } from './types.ts';

export const DEPARTURE_RULE = 'vessel-departure';
export const ARRIVAL_RULE = 'vessel-arrival';

function eventRule(kind: FleetEvent['kind'], department: string): TransitionRule {
  return kind === 'departure'
    ? {
        id: DEPARTURE_RULE,
        department,
        severity: 'info',
        message: 'Vessel {vessel} left {port} ({lat}, {lon})',
        messageVi: 'Tàu {vessel} đã rời cảng {port} ({lat}, {lon})',
        resolvedMessage: 'Vessel {vessel} left {port}',
        resolvedMessageVi: 'Tàu {vessel} đã rời cảng {port}',
      }
    : {
        id: ARRIVAL_RULE,
        department,
        severity: 'info',
        message: 'Vessel {vessel} arrived at {port}',
        messageVi: 'Tàu {vessel} đã về cảng {port}',
        resolvedMessage: 'Vessel {vessel} arrived at {port}',
        resolvedMessageVi: 'Tàu {vessel} đã về cảng {port}',
      };
}

export function fleetEventTransitions(event: FleetEvent, department: string): Transition[] {
  const rule = eventRule(event.kind, department);
  const base = {
    entity: event.vessel,
    tags: { vessel: event.vessel },
    startedAtMs: event.atMs,
    atMs: event.atMs,
    value: null,
    vars: { port: event.port, lat: event.lat.toFixed(4), lon: event.lon.toFixed(4) },
  };
  return [
    { ...makeTransition(rule, { ...base, state: 'firing', from: 'inactive' }), oneShot: true },
    { ...makeTransition(rule, { ...base, state: 'resolved', from: 'firing' }), oneShot: true },
  ];
}
