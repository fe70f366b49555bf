/**
 * Time rules of DESIGN.md ("Time"): device time where the device gives a full one, plausibility limits,
 * and unique nanosecond timestamps for points timed by their receipt.
 */

import { escapeKey } from './line-protocol.ts';
import { msToNs } from './point.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** A device time further ahead of the receipt time than this is implausible (DESIGN.md). */
export const MAX_FUTURE_MS = 24 * HOUR_MS;

export interface TimeLimits {
  /** Older than this many days is implausible; 0 turns the age check off (backfills). */
  maxAgeDays: number;
}

// Date cannot print beyond ±8.64e15 ms; such a time is implausible anyway.
function show(ms: number): string {
  return Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : `${ms} ms`;
}

/** Why a device time is implausible, or null when it may be stored as given. */
export function implausibleTime(deviceMs: number, receivedMs: number, limits: TimeLimits): string | null {
  if (!Number.isFinite(deviceMs)) return 'time is not a number';
  if (deviceMs - receivedMs > MAX_FUTURE_MS) {
    return `time ${show(deviceMs)} is more than 24 h ahead of receipt ${show(receivedMs)}`;
  }
  if (limits.maxAgeDays > 0 && receivedMs - deviceMs > limits.maxAgeDays * DAY_MS) {
    return `time ${show(deviceMs)} is more than ${limits.maxAgeDays} days before receipt ${show(receivedMs)}`;
  }
  if (deviceMs <= 0) return 'time is before 1970';
  return null;
}

/**
 * The InfluxDB series a point lands in, as the one key every producer gives SeriesClock (measurement,
 * then the tags sorted and escaped as in line protocol): a station read over Modbus and posting JSON
 * shares one series, so their receipt times must be made unique against each other.
 */
export function seriesKey(measurement: string, tags: Readonly<Record<string, string>>): string {
  let key = measurement;
  for (const name of Object.keys(tags).sort()) {
    const value = tags[name];
    if (value !== undefined && value !== '') key += `,${escapeKey(name)}=${escapeKey(value)}`;
  }
  return key;
}

/**
 * Makes timestamps unique per series, for points timed by receipt (AIS, dead letters, alert transitions,
 * camera events sharing a frame): a point whose nanosecond is already taken in its series by another
 * point moves to the next free nanosecond. With an `identity` (an event id), the same identity gets the
 * same time again, so a resent message still overwrites itself. Remembers the last few timestamps of at
 * most `maxSeries` series (oldest forgotten first), which bounds memory.
 */
export class SeriesClock {
  readonly #recent = new Map<string, Array<{ ns: bigint; id: string | undefined }>>();
  constructor(
    private readonly maxSeries = 200_000,
    private readonly perSeries = 32,
  ) {}

  unique(seriesKey: string, ns: bigint, identity?: string): bigint {
    let entries = this.#recent.get(seriesKey);
    if (entries) this.#recent.delete(seriesKey);
    else entries = [];
    this.#recent.set(seriesKey, entries);
    let t = ns;
    for (;;) {
      const taken = entries.find((e) => e.ns === t);
      if (!taken) break;
      if (identity !== undefined && taken.id === identity) return t;
      t += 1n;
    }
    entries.push({ ns: t, id: identity });
    if (entries.length > this.perSeries) entries.shift();
    if (this.#recent.size > this.maxSeries) {
      const oldest = this.#recent.keys().next().value;
      if (oldest !== undefined) this.#recent.delete(oldest);
    }
    return t;
  }

  /** Receipt time in ms, made unique for the series. */
  uniqueMs(seriesKey: string, ms: number): bigint {
    return this.unique(seriesKey, msToNs(ms));
  }
}
