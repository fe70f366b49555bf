/**
 * Grafana threshold steps from the rules themselves: VN_AQI bands and breakpoints (Decision 1459/QD-TCMT,
 * read from ingest/vn-aqi.ts, never retyped) and the QCVN 08:2023 classes (qcvn08.ts).
 *
 * Grafana colours a value with the last step it reaches (`value >= step`), so a value exactly on a "≤"
 * limit takes the colour of the next class; the steps keep the regulation's own numbers so that they can
 * be checked against it by eye.
 */
import { ThresholdsConfigBuilder, ThresholdsMode } from '@grafana/grafana-foundation-sdk/dashboard';
import { AQI_BANDS, type AqiBand, BREAKPOINTS, type BreakpointColumn } from '../ingest/vn-aqi.ts';
import { type ClassLimits, NH4_HEALTH_LIMIT_MGL, WATER_CLASS_COLOURS, type WaterClass } from './qcvn08.ts';

export interface Step {
  value: number | null;
  color: string;
}

export function thresholds(steps: readonly Step[]): ThresholdsConfigBuilder {
  return new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps(steps.map((s) => ({ ...s })));
}

function band(index: number): AqiBand {
  const b = AQI_BANDS[index];
  if (!b) throw new RangeError(`no VN_AQI band ${index}`);
  return b;
}

/** Table 1 of Decision 1459: 0–50 green, 51–100 yellow, ... 301–500 maroon (the index is an integer). */
export function aqiSteps(): Step[] {
  return AQI_BANDS.map((b, i) => ({ value: i === 0 ? null : b.min, color: b.hex }));
}

/**
 * A pollutant's concentration (µg/m³) coloured by the band its sub-index falls in: the concentration at
 * the breakpoint I = 50 starts the Moderate colour, at I = 100 Poor, and so on up to I = 300 (Hazardous).
 */
export function breakpointSteps(column: BreakpointColumn): Step[] {
  const steps: Step[] = [{ value: null, color: band(0).hex }];
  for (const row of BREAKPOINTS[column]) {
    const next = AQI_BANDS.find((b) => b.min === row.i + 1);
    if (next) steps.push({ value: row.c, color: next.hex });
  }
  return steps;
}

const CLASS_ORDER: readonly WaterClass[] = ['A', 'B', 'C', 'D'];

function nextClass(cls: WaterClass): WaterClass {
  return CLASS_ORDER[CLASS_ORDER.indexOf(cls) + 1] ?? 'D';
}

/** QCVN 08:2023 class limits as steps, coloured by class (qcvn08.ts WATER_CLASS_COLOURS). */
export function waterClassSteps(limits: ClassLimits): Step[] {
  const colour = (cls: WaterClass) => WATER_CLASS_COLOURS[cls];
  switch (limits.kind) {
    case 'upper':
      // Best class below the first limit; each limit starts the next class.
      return [
        { value: null, color: colour(limits.limits[0]?.cls ?? 'A') },
        ...limits.limits.map((l) => ({ value: l.max, color: colour(nextClass(l.cls)) })),
      ];
    case 'lower': {
      // Worst (D) below the lowest minimum; each minimum, ascending, starts its class.
      const ascending = [...limits.limits].sort((a, b) => a.min - b.min);
      return [
        { value: null, color: colour('D') },
        ...ascending.map((l) => ({ value: l.min, color: colour(l.cls) })),
      ];
    }
    case 'range': {
      // Widest range first: below every range and above every range is D.
      const widest = [...limits.limits].sort((a, b) => a.min - b.min);
      const top = Math.max(...limits.limits.map((l) => l.max));
      return [
        { value: null, color: colour('D') },
        ...widest.map((l) => ({ value: l.min, color: colour(l.cls) })),
        { value: top, color: colour('D') },
      ];
    }
  }
}

/** NH4+: within the health limit green, above it red. */
export function nh4Steps(): Step[] {
  return [
    { value: null, color: WATER_CLASS_COLOURS.A },
    { value: NH4_HEALTH_LIMIT_MGL, color: WATER_CLASS_COLOURS.D },
  ];
}

/** Vessels silent for 2 h (Decree 26/2019: a position at least every 2 h) and 6 h (a lost link, reported). */
export const SILENT_WARN_MIN = 120;
export const SILENT_ALERT_MIN = 360;

export function silenceSteps(): Step[] {
  return [
    { value: null, color: 'green' },
    { value: SILENT_WARN_MIN, color: band(2).hex },
    { value: SILENT_ALERT_MIN, color: band(3).hex },
  ];
}
