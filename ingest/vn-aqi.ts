/**
 * VN_AQI, the Vietnamese air quality index of Decision 1459/QD-TCMT (12 Nov 2019, "Huong dan ky thuat tinh
 * toan va cong bo chi so chat luong khong khi Viet Nam"). Pure arithmetic; the per-station hourly and daily
 * bookkeeping lives in vn-aqi-enricher.ts. Section numbers below are those of the guideline annexed to the
 * decision.
 *
 * Rules implemented:
 * - s.2.1b: pollutants SO2, CO, NO2, O3, PM10, PM2.5, all in µg/m³ (CO too: 10 000 µg/m³ = 10 mg/m³). The
 *   index needs at least one of PM10 and PM2.5; without both it is not computed (null).
 * - s.2.2.1a NowCast (PM2.5, PM10): c1..c12 the 1-hour means, c1 the current hour; w* = Cmin/Cmax over the
 *   hours with data, w = 1/2 when w* <= 1/2, else w*; NowCast = Σ w^(i-1)·ci / Σ w^(i-1), a missing ci
 *   weighing 0. Computed only when at least 2 of c1, c2, c3 have data, otherwise "no data".
 *   The decision prints the w = 1/2 case as Σ (1/2)^i·ci without the divisor; that equals the normalised
 *   form only when all 12 hours are present (Σ (1/2)^(i-1) ≈ 2), so the normalised form is used always.
 * - s.2.2.1b Formulas 1 and 2: I = (I[i+1] − I[i]) / (BP[i+1] − BP[i]) × (C − BP[i]) + I[i] with the
 *   breakpoints of Table 2 (BREAKPOINTS). Table 2's last row reads "≥": a concentration at or above the top
 *   breakpoint gives 500, the top of the scale (values are capped there, never extrapolated).
 * - Table 2 notes: the hourly O3 index uses the O3 (1h) column; the daily one uses O3 (1h) and O3 (8h).
 *   O3 (8h) has no breakpoints above 400 µg/m³ (index 300): s.2.2.2b says not to compute it there and to
 *   use the 1-hour maximum alone, so subIndex('o3_8h', c > 400) is null.
 * - s.2.2.1c / s.2.2.2c: the overall index is the largest sub-index, rounded to an integer. Rounding is half
 *   up on the decimal value (109.5 → 110, as the decision's daily example), immune to binary noise such as
 *   109.49999999999999.
 * - s.2.2.2 daily inputs: PM2.5 and PM10 the 24-hour mean; O3 the highest 1-hour mean and the highest 8-hour
 *   mean of the day, the O3 sub-index being the larger of the two sub-indices (as in the worked example
 *   s.2.3c, which computes both); SO2, NO2 and CO the highest 1-hour mean of the day (the decision uses the
 *   1-hour maximum for these, not their 24-hour mean). An 8-hour mean is the mean of 8 consecutive 1-hour
 *   means, one ending at each hour of the day; the day runs from the hour ending 01:00 to the hour ending
 *   00:00 local time.
 *
 * Decided here where the decision is silent:
 * - An 8-hour mean needs at least 6 of its 8 hours (75%, the usual completeness rule, e.g. US EPA's).
 * - The dominant pollutant is the one with the largest unrounded sub-index; a tie goes to the first in
 *   POLLUTANTS order (pm25, pm10, o3, no2, so2, co).
 * - A negative or non-finite concentration is not a concentration: its sub-index is null and NowCast skips
 *   it as a missing hour.
 *
 * Decision's worked example (s.2.3b): it prints AQI(NO2) = 60 for 118.7 µg/m³ where Formula 1 gives 59.35,
 * hence AQI^h = 60 where this code gives 59 (tests pin both).
 */

/** The pollutants of the index, in tie-break order; also the `air_quality_index` field suffixes. */
export const POLLUTANTS = ['pm25', 'pm10', 'o3', 'no2', 'so2', 'co'] as const;
export type Pollutant = (typeof POLLUTANTS)[number];

/** Table 2's columns: O3 has a 1-hour and an 8-hour column. */
export type BreakpointColumn = 'pm25' | 'pm10' | 'o3_1h' | 'o3_8h' | 'co' | 'so2' | 'no2';

/** Decision 1459/QD-TCMT Table 2: index I and the concentration (µg/m³) at each breakpoint. */
export const BREAKPOINTS: Readonly<Record<BreakpointColumn, ReadonlyArray<{ i: number; c: number }>>> = {
  o3_1h: table([0, 160, 200, 300, 400, 800, 1000, 1200]),
  o3_8h: table([0, 100, 120, 170, 210, 400]),
  co: table([0, 10_000, 30_000, 45_000, 60_000, 90_000, 120_000, 150_000]),
  so2: table([0, 125, 350, 550, 800, 1600, 2100, 2630]),
  no2: table([0, 100, 200, 700, 1200, 2350, 3100, 3850]),
  pm10: table([0, 50, 150, 250, 350, 420, 500, 600]),
  pm25: table([0, 25, 50, 80, 150, 250, 350, 500]),
};

function table(concentrations: readonly number[]): ReadonlyArray<{ i: number; c: number }> {
  const INDEX = [0, 50, 100, 150, 200, 300, 400, 500];
  return concentrations.map((c, k) => ({ i: INDEX[k] ?? Number.NaN, c }));
}

export interface AqiBand {
  min: number;
  max: number;
  name: string;
  nameVi: string;
  rgb: [number, number, number];
  hex: string;
}

/** Decision 1459/QD-TCMT Table 1: ranges, names and RGB colours, for dashboards and alerts. */
export const AQI_BANDS: ReadonlyArray<AqiBand> = [
  { min: 0, max: 50, name: 'Good', nameVi: 'Tốt', rgb: [0, 228, 0], hex: '#00E400' },
  { min: 51, max: 100, name: 'Moderate', nameVi: 'Trung bình', rgb: [255, 255, 0], hex: '#FFFF00' },
  { min: 101, max: 150, name: 'Poor', nameVi: 'Kém', rgb: [255, 126, 0], hex: '#FF7E00' },
  { min: 151, max: 200, name: 'Bad', nameVi: 'Xấu', rgb: [255, 0, 0], hex: '#FF0000' },
  { min: 201, max: 300, name: 'Very bad', nameVi: 'Rất xấu', rgb: [143, 63, 151], hex: '#8F3F97' },
  { min: 301, max: 500, name: 'Hazardous', nameVi: 'Nguy hại', rgb: [126, 0, 35], hex: '#7E0023' },
];

/** The band of an index value; the value is rounded first, above 500 stays Hazardous. */
export function aqiBand(aqi: number): AqiBand {
  const rounded = roundAqi(aqi);
  return AQI_BANDS.find((band) => rounded <= band.max) ?? (AQI_BANDS[AQI_BANDS.length - 1] as AqiBand);
}

/** Half-up rounding of the decimal value (s.2.2.1c "lam tron thanh so nguyen"). */
export function roundAqi(value: number): number {
  return Math.round(Number(value.toFixed(6)));
}

/** Formulas 1 and 2 of s.2.2.1b: the unrounded sub-index of a concentration (µg/m³), or null. */
export function subIndex(column: BreakpointColumn, concentration: number): number | null {
  if (!Number.isFinite(concentration) || concentration < 0) return null;
  const rows = BREAKPOINTS[column];
  // The segment whose lower breakpoint is at or below C: a breakpoint itself gives exactly its index.
  for (let k = 0; k + 1 < rows.length; k++) {
    const lo = rows[k] as { i: number; c: number };
    const hi = rows[k + 1] as { i: number; c: number };
    if (concentration < hi.c) return ((hi.i - lo.i) / (hi.c - lo.c)) * (concentration - lo.c) + lo.i;
  }
  const top = rows[rows.length - 1] as { i: number; c: number };
  if (concentration === top.c) return top.i;
  // Above the top of O3 (8h) the decision uses the 1-hour maximum instead (s.2.2.2b).
  if (column === 'o3_8h') return null;
  return 500; // Table 2's last row is "≥ BP": the scale ends at 500.
}

export const NOWCAST_HOURS = 12;

/** s.2.2.1a NowCast of 1-hour means, index 0 the most recent hour; null when not computable. */
export function nowCast(hourlyMeans: ReadonlyArray<number | null | undefined>, minRecent = 2): number | null {
  const hours = hourlyMeans.slice(0, NOWCAST_HOURS).map((c) => (isConcentration(c) ? c : null));
  const recent = hours.slice(0, 3).filter((c) => c !== null).length;
  if (recent < minRecent) return null; // "at least 2 of c1, c2, c3"
  const present = hours.filter((c): c is number => c !== null);
  const cMax = Math.max(...present);
  if (cMax === 0) return 0;
  const w = Math.max(Math.min(...present) / cMax, 0.5);
  let weighted = 0;
  let weights = 0;
  hours.forEach((c, i) => {
    if (c === null) return; // a missing ci weighs 0
    weighted += w ** i * c;
    weights += w ** i;
  });
  return weighted / weights;
}

/** s.2.2.2a: the mean of 8 consecutive 1-hour means (index 0 the latest); needs 6 of 8 (hub's rule). */
export function eightHourMean(hourlyMeans: ReadonlyArray<number | null | undefined>): number | null {
  const present = hourlyMeans.slice(0, 8).filter(isConcentration);
  if (present.length < 6) return null;
  return present.reduce((sum, c) => sum + c, 0) / present.length;
}

function isConcentration(c: number | null | undefined): c is number {
  return typeof c === 'number' && Number.isFinite(c) && c >= 0;
}

export interface AqiResult {
  /** The overall index, rounded. */
  aqi: number;
  dominant: Pollutant;
  /** Unrounded sub-index of every pollutant that had a value. */
  sub: Partial<Record<Pollutant, number>>;
}

export interface HourlyInput {
  /** NowCast of PM2.5 (µg/m³). */
  pm25?: number | null;
  /** NowCast of PM10 (µg/m³). */
  pm10?: number | null;
  /** 1-hour means (µg/m³). */
  o3?: number | null;
  co?: number | null;
  so2?: number | null;
  no2?: number | null;
}

/** s.2.2.1: the hourly index from PM NowCasts and gas 1-hour means; null without PM2.5 and PM10. */
export function hourlyAqi(input: HourlyInput): AqiResult | null {
  return combine({
    pm25: optionalSub('pm25', input.pm25),
    pm10: optionalSub('pm10', input.pm10),
    o3: optionalSub('o3_1h', input.o3),
    no2: optionalSub('no2', input.no2),
    so2: optionalSub('so2', input.so2),
    co: optionalSub('co', input.co),
  });
}

export interface DailyInput {
  /** 24-hour means (µg/m³). */
  pm25?: number | null;
  pm10?: number | null;
  /** Highest 1-hour mean and highest 8-hour mean of the day (µg/m³). */
  o3Max1h?: number | null;
  o3Max8h?: number | null;
  /** Highest 1-hour means of the day (µg/m³). */
  coMax1h?: number | null;
  so2Max1h?: number | null;
  no2Max1h?: number | null;
}

/** s.2.2.2: the daily index; null without PM2.5 and PM10. */
export function dailyAqi(input: DailyInput): AqiResult | null {
  const o3Subs = [optionalSub('o3_1h', input.o3Max1h), optionalSub('o3_8h', input.o3Max8h)];
  const o3 = o3Subs.filter((s): s is number => s !== null);
  return combine({
    pm25: optionalSub('pm25', input.pm25),
    pm10: optionalSub('pm10', input.pm10),
    o3: o3.length > 0 ? Math.max(...o3) : null,
    no2: optionalSub('no2', input.no2Max1h),
    so2: optionalSub('so2', input.so2Max1h),
    co: optionalSub('co', input.coMax1h),
  });
}

function optionalSub(column: BreakpointColumn, concentration: number | null | undefined): number | null {
  return concentration === null || concentration === undefined ? null : subIndex(column, concentration);
}

function combine(subs: Record<Pollutant, number | null>): AqiResult | null {
  if (subs.pm25 === null && subs.pm10 === null) return null; // s.2.1b: PM10 or PM2.5 is mandatory
  const sub: Partial<Record<Pollutant, number>> = {};
  let dominant: Pollutant = subs.pm25 !== null ? 'pm25' : 'pm10';
  for (const pollutant of POLLUTANTS) {
    const value = subs[pollutant];
    if (value === null) continue;
    sub[pollutant] = value;
    if (value > (sub[dominant] ?? -1)) dominant = pollutant;
  }
  return { aqi: roundAqi(sub[dominant] ?? 0), dominant, sub };
}
