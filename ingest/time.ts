/**
 * Time rules of DESIGN.md ("Time"): device time where the device gives a full one, plausibility limits,
 * and unique nanosecond timestamps for points timed by their receipt.
 */
import { msToNs } from './point.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** A device time further ahead of the receipt time than this is implausible (DESIGN.md). */
export const MAX_FUTURE_MS = 24 * HOUR_MS;

export interface TimeLimits {
  /** Older than this many days is implausible; 0 turns the age check off (backfills). */
  maxAgeDays: number;
}

/** Why a device time is implausible, or null when it may be stored as given. */
export function implausibleTime(deviceMs: number, receivedMs: number, limits: TimeLimits): string | null {
  if (!Number.isFinite(deviceMs)) return 'time is not a number';
  if (deviceMs - receivedMs > MAX_FUTURE_MS) {
    return `time ${new Date(deviceMs).toISOString()} is more than 24 h ahead of receipt ${new Date(receivedMs).toISOString()}`;
  }
  if (limits.maxAgeDays > 0 && receivedMs - deviceMs > limits.maxAgeDays * DAY_MS) {
    return `time ${new Date(deviceMs).toISOString()} is more than ${limits.maxAgeDays} days before receipt ${new Date(receivedMs).toISOString()}`;
  }
  if (deviceMs <= 0) return 'time is before 1970';
  return null;
}

/**
 * Makes timestamps unique per series, for points timed by receipt (AIS, dead letters, alert transitions,
 * camera events sharing a frame): a second point in the same nanosecond moves one nanosecond later.
 * Remembers at most `maxSeries` series (oldest forgotten first), which bounds memory.
 */
export class SeriesClock {
  readonly #last = new Map<string, bigint>();
  constructor(private readonly maxSeries = 200_000) {}

  unique(seriesKey: string, ns: bigint): bigint {
    const last = this.#last.get(seriesKey);
    const t = last !== undefined && ns <= last ? last + 1n : ns;
    this.#last.delete(seriesKey);
    this.#last.set(seriesKey, t);
    if (this.#last.size > this.maxSeries) {
      const oldest = this.#last.keys().next().value;
      if (oldest !== undefined) this.#last.delete(oldest);
    }
    return t;
  }

  /** Receipt time in ms, made unique for the series. */
  uniqueMs(seriesKey: string, ms: number): bigint {
    return this.unique(seriesKey, msToNs(ms));
  }
}
