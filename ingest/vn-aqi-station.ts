/**
 * One air station's VN_AQI bookkeeping (Decision 1459/QD-TCMT s.2.2): the running means of the open hour,
 * the last 12 closed 1-hour means per pollutant (NowCast, 8-hour O3) and the open day's accumulators (24-hour
 * means, daily 1-hour and 8-hour maxima). Memory per station is fixed whatever the reading rate.
 */
import {
  type AqiResult,
  dailyAqi,
  eightHourMean,
  type HourlyInput,
  hourlyAqi,
  NOWCAST_HOURS,
  nowCast,
  POLLUTANTS,
  type Pollutant,
} from './vn-aqi.ts';

interface DayTotals {
  sum: number;
  hours: number;
  max1h: number;
}

/** What closing an hour produced: the hourly index, and the daily one when that hour ended the day. */
export interface ClosedHour {
  /** Hour index (ms since epoch / 3 600 000) of the hour that closed. */
  hour: number;
  hourly: AqiResult | null;
  /** Present only when the closed hour was the last of a local day. */
  daily?: AqiResult | null;
}

export class StationAqiState {
  /** The open hour: readings in it feed the running means; earlier ones are late. */
  hour: number;
  readonly #running = new Map<Pollutant, { sum: number; count: number }>();
  /** Closed 1-hour means, newest first, at most NOWCAST_HOURS per pollutant. */
  readonly #history = new Map<Pollutant, Array<number | null>>();
  #day: number;
  readonly #dayTotals = new Map<Pollutant, DayTotals>();
  #o3Max8h: number | null = null;

  constructor(
    hour: number,
    private readonly dayOfHour: (hour: number) => number,
    private readonly minDailyHours: number,
  ) {
    this.hour = hour;
    this.#day = dayOfHour(hour);
  }

  /** Adds one reading's concentrations (µg/m³) to the open hour. */
  add(values: Partial<Record<Pollutant, number>>): void {
    for (const pollutant of POLLUTANTS) {
      const value = values[pollutant];
      if (value === undefined || !Number.isFinite(value)) continue;
      const running = this.#running.get(pollutant) ?? { sum: 0, count: 0 };
      running.sum += Math.max(0, value); // sensor drift below zero counts as zero
      running.count++;
      this.#running.set(pollutant, running);
    }
  }

  /**
   * The index of the open hour so far: NowCast over the closed hours plus the running mean. It is the
   * live value on each reading, so it is provisional: while fewer than 2 of the last 3 hours have data
   * (a station that just started) it uses what there is, where the published hourly index waits for
   * the decision's "2 of c1, c2, c3".
   */
  currentAqi(): AqiResult | null {
    return hourlyAqi(this.#hourlyInput((p) => [this.#runningMean(p), ...this.#past(p)], 1));
  }

  /** Closes the open hour, opens the next one, and says what was published. */
  closeHour(): ClosedHour {
    const closed = this.hour;
    for (const pollutant of POLLUTANTS) {
      const mean = this.#runningMean(pollutant);
      const history = [mean, ...this.#past(pollutant)].slice(0, NOWCAST_HOURS);
      if (history.every((c) => c === null)) this.#history.delete(pollutant);
      else this.#history.set(pollutant, history);
      if (mean !== null) this.#addToDay(pollutant, mean);
    }
    const o3EightHour = eightHourMean(this.#past('o3'));
    if (o3EightHour !== null) this.#o3Max8h = Math.max(this.#o3Max8h ?? 0, o3EightHour);
    this.#running.clear();
    const hourly = hourlyAqi(this.#hourlyInput((p) => this.#past(p)));
    this.hour = closed + 1;
    const nextDay = this.dayOfHour(this.hour);
    if (nextDay === this.#day) return { hour: closed, hourly };
    const daily = this.#dailyAqi();
    this.#day = nextDay;
    this.#dayTotals.clear();
    this.#o3Max8h = null;
    return { hour: closed, hourly, daily };
  }

  /** Nothing pending: no running mean, no history, no day totals (the station can be forgotten). */
  isEmpty(): boolean {
    return this.#running.size === 0 && this.#history.size === 0 && this.#dayTotals.size === 0;
  }

  /** Forgets everything and reopens at `hour` (after a silence longer than any window). */
  reset(hour: number): void {
    this.#running.clear();
    this.#history.clear();
    this.#dayTotals.clear();
    this.#o3Max8h = null;
    this.hour = hour;
    this.#day = this.dayOfHour(hour);
  }

  #runningMean(pollutant: Pollutant): number | null {
    const running = this.#running.get(pollutant);
    return running && running.count > 0 ? running.sum / running.count : null;
  }

  #past(pollutant: Pollutant): Array<number | null> {
    return this.#history.get(pollutant) ?? [];
  }

  /** PM from NowCast (s.2.2.1a), gases from the newest 1-hour mean. */
  #hourlyInput(series: (p: Pollutant) => Array<number | null>, minRecent = 2): HourlyInput {
    return {
      pm25: nowCast(series('pm25'), minRecent),
      pm10: nowCast(series('pm10'), minRecent),
      o3: series('o3')[0] ?? null,
      no2: series('no2')[0] ?? null,
      so2: series('so2')[0] ?? null,
      co: series('co')[0] ?? null,
    };
  }

  #addToDay(pollutant: Pollutant, mean: number): void {
    const totals = this.#dayTotals.get(pollutant) ?? { sum: 0, hours: 0, max1h: 0 };
    totals.sum += mean;
    totals.hours++;
    totals.max1h = Math.max(totals.max1h, mean);
    this.#dayTotals.set(pollutant, totals);
  }

  /** s.2.2.2: PM 24-hour means, gas 1-hour maxima, O3 1-hour and 8-hour maxima. */
  #dailyAqi(): AqiResult | null {
    const complete = (p: Pollutant): DayTotals | null => {
      const totals = this.#dayTotals.get(p);
      return totals && totals.hours >= this.minDailyHours ? totals : null;
    };
    const mean = (p: Pollutant): number | null => {
      const totals = complete(p);
      return totals ? totals.sum / totals.hours : null;
    };
    const o3 = complete('o3');
    return dailyAqi({
      pm25: mean('pm25'),
      pm10: mean('pm10'),
      o3Max1h: o3?.max1h ?? null,
      o3Max8h: o3 ? this.#o3Max8h : null,
      no2Max1h: complete('no2')?.max1h ?? null,
      so2Max1h: complete('so2')?.max1h ?? null,
      coMax1h: complete('co')?.max1h ?? null,
    });
  }
}
