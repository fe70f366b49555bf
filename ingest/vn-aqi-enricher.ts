/**
 * VN_AQI enrichment of the live stream (DESIGN.md `environment`, `air_quality_index`; the index maths of
 * Decision 1459/QD-TCMT is in vn-aqi.ts). Per air station:
 * - readings are bucketed into UTC hours by their own time; the mean of each hour is the 1-hour mean;
 * - each air reading gets `aqi`, the open hour's index so far (NowCast over the closed hours plus the
 *   running mean of the open hour; gases from their running mean);
 * - when a reading (or `tick`, for a station gone silent) passes an hour boundary, the closed hour is
 *   published as `air_quality_index` period `hour` timed at the END of the hour, and after the last hour of
 *   a local day (UTC+7 by default) the day is published as period `day` timed at that local midnight (the
 *   end of the day, as a UTC instant). Skipped hours are closed one by one, so an hour without data can
 *   still publish a NowCast from the two hours before it (Decision 1459 s.2.2.1a "2 of c1, c2, c3").
 *
 * Decided here: a reading timed in an hour already closed is late and ignored for the index (the published
 * value stands; the reading is stored as it came, without `aqi`) and counted in `lateReadings`. A pollutant
 * enters the daily index only with at least `minDailyHours` 1-hour means in the day (the decision sets no
 * completeness rule). A device-sent `aqi` is replaced when the hub can compute one, else left as it came.
 */
import type { FieldValue, Point } from './point.ts';
import { msToNs } from './point.ts';
import { type AqiResult, POLLUTANTS, type Pollutant, roundAqi } from './vn-aqi.ts';
import { StationAqiState } from './vn-aqi-station.ts';

const HOUR_MS = 3_600_000;
const NS_PER_HOUR = 3_600_000_000_000n;
/** Every window ends within 24 hours of the last data (the open day at most 24 closes later, NowCast's
 *  "2 of 3" after 2), so a longer silence is skipped in one step instead of hour by hour. */
const MAX_CATCH_UP_HOURS = 24;

export interface AqiEnricherOptions {
  /** Offset of the local day from UTC, whole hours only; default 420 (Asia/Ho_Chi_Minh, UTC+7, no DST). */
  timezoneOffsetMinutes?: number;
  /** Stations remembered at once; the least recently reporting one is forgotten first. Default 10 000. */
  maxStations?: number;
  /** `tick` closes an hour only this long after it ended, for readings still in flight. Default 120 000 ms. */
  closeGraceMs?: number;
  /** 1-hour means a pollutant needs in a day to enter the daily index. Default 18 (75 % of 24). */
  minDailyHours?: number;
}

export const AQI_ENRICHER_DEFAULTS: Required<AqiEnricherOptions> = {
  timezoneOffsetMinutes: 420,
  maxStations: 10_000,
  closeGraceMs: 120_000,
  minDailyHours: 18,
};

export class AqiEnricher {
  readonly #options: Required<AqiEnricherOptions>;
  readonly #offsetHours: number;
  /** Insertion order = recency of the last reading (LRU). */
  readonly #stations = new Map<string, StationAqiState>();
  #lateReadings = 0;

  constructor(opts: AqiEnricherOptions = {}) {
    this.#options = { ...AQI_ENRICHER_DEFAULTS, ...opts };
    const offset = this.#options.timezoneOffsetMinutes;
    // Hour buckets are UTC hours; a local day must start on one of them.
    if (!Number.isInteger(offset / 60)) {
      throw new RangeError(`timezoneOffsetMinutes must be a whole number of hours, got ${offset}`);
    }
    this.#offsetHours = offset / 60;
  }

  /** Air readings seen for an hour that was already closed (ignored for the index). */
  get lateReadings(): number {
    return this.#lateReadings;
  }

  /** Stations currently tracked. */
  get stationCount(): number {
    return this.#stations.size;
  }

  /**
   * For every accepted point: air `environment` readings get `aqi` (the point is mutated) and bring any
   * `air_quality_index` points their time made due; other points come back alone and untouched.
   */
  enrich(point: Point): Point[] {
    const station = point.tags.station;
    if (point.measurement !== 'environment' || point.tags.medium !== 'air' || !station) return [point];
    const hour = Number(point.time / NS_PER_HOUR);
    const state = this.#touch(station, hour);
    if (hour < state.hour) {
      this.#lateReadings++;
      return [point];
    }
    const published = this.#advance(station, state, hour);
    state.add(pollutantValues(point.fields));
    const current = state.currentAqi();
    if (current) point.fields.aqi = current.aqi;
    return [point, ...published];
  }

  /** Hub-clock flush: closes the hours that ended (plus the grace) for stations that went quiet. */
  tick(nowMs: number): Point[] {
    const target = Math.floor((nowMs - this.#options.closeGraceMs) / HOUR_MS);
    const published: Point[] = [];
    for (const [station, state] of this.#stations) {
      if (state.hour >= target) continue;
      published.push(...this.#advance(station, state, target));
      if (state.isEmpty()) this.#stations.delete(station); // silent long enough to have nothing left
    }
    return published;
  }

  #touch(station: string, hour: number): StationAqiState {
    const known = this.#stations.get(station);
    if (known) {
      this.#stations.delete(station);
      this.#stations.set(station, known);
      return known;
    }
    const dayOfHour = (h: number): number => Math.floor((h + this.#offsetHours) / 24);
    const state = new StationAqiState(hour, dayOfHour, this.#options.minDailyHours);
    this.#stations.set(station, state);
    if (this.#stations.size > this.#options.maxStations) {
      const oldest = this.#stations.keys().next().value;
      if (oldest !== undefined) this.#stations.delete(oldest);
    }
    return state;
  }

  /** Closes hours up to (not including) `target`, returning the points they publish, oldest first. */
  #advance(station: string, state: StationAqiState, target: number): Point[] {
    const published: Point[] = [];
    for (let steps = 0; state.hour < target; steps++) {
      if (steps === MAX_CATCH_UP_HOURS) {
        state.reset(target);
        break;
      }
      const closed = state.closeHour();
      const endMs = (closed.hour + 1) * HOUR_MS;
      if (closed.hourly) published.push(indexPoint(station, 'hour', closed.hourly, endMs));
      if (closed.daily) published.push(indexPoint(station, 'day', closed.daily, endMs));
    }
    return published;
  }
}

function pollutantValues(fields: Record<string, FieldValue>): Partial<Record<Pollutant, number>> {
  const values: Partial<Record<Pollutant, number>> = {};
  for (const pollutant of POLLUTANTS) {
    const value = fields[pollutant];
    if (typeof value === 'number') values[pollutant] = value;
  }
  return values;
}

/** DESIGN.md `air_quality_index`: integer index and sub-indices, the dominant pollutant's field name. */
function indexPoint(station: string, period: 'hour' | 'day', result: AqiResult, timeMs: number): Point {
  const fields: Record<string, FieldValue> = { aqi: result.aqi, dominant: result.dominant };
  for (const pollutant of POLLUTANTS) {
    const sub = result.sub[pollutant];
    if (sub !== undefined) fields[`aqi_${pollutant}`] = roundAqi(sub);
  }
  return { measurement: 'air_quality_index', tags: { station, period }, fields, time: msToNs(timeMs) };
}
