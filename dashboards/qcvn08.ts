/**
 * Surface water classes of QCVN 08:2023/BTNMT (Circular 01/2023/TT-BTNMT, replacing QCVN 08-MT:2015), as the
 * water dashboard draws them (DOMAIN.md "Surface water"). Rivers are classed A (best) to D (worst).
 * The regulation prints no colours for the classes: the dashboards use green (A), yellow (B), orange (C)
 * and red (D), the order of the VN_AQI scale a wall-screen viewer already reads.
 */

export const WATER_CLASS_COLOURS = {
  A: '#00E400',
  B: '#FFFF00',
  C: '#FF7E00',
  D: '#FF0000',
} as const;

export type WaterClass = keyof typeof WATER_CLASS_COLOURS;

/** A parameter where lower is better: the class holds up to its limit (mg/L), above C's limit is D. */
export interface UpperLimits {
  kind: 'upper';
  /** Limits of A, B, C in order; a class without a confirmed limit is left out. */
  limits: ReadonlyArray<{ cls: WaterClass; max: number }>;
}

/** A parameter where higher is better (dissolved oxygen): the class needs at least its limit. */
export interface LowerLimits {
  kind: 'lower';
  limits: ReadonlyArray<{ cls: WaterClass; min: number }>;
}

/** A range (pH): inside the class's range, outside every range is D. */
export interface RangeLimits {
  kind: 'range';
  limits: ReadonlyArray<{ cls: WaterClass; min: number; max: number }>;
}

export type ClassLimits = UpperLimits | LowerLimits | RangeLimits;

export const QCVN08: Readonly<Record<'ph' | 'do_mgl' | 'cod_mgl' | 'bod5_mgl' | 'tss_mgl', ClassLimits>> = {
  // pH: A 6.5–8.5; B and C 6.0–8.5; D outside.
  ph: {
    kind: 'range',
    limits: [
      { cls: 'A', min: 6.5, max: 8.5 },
      { cls: 'B', min: 6.0, max: 8.5 },
    ],
  },
  // DO ≥ 6.0 / 5.0 / 4.0 mg/L for A / B / C.
  do_mgl: {
    kind: 'lower',
    limits: [
      { cls: 'A', min: 6.0 },
      { cls: 'B', min: 5.0 },
      { cls: 'C', min: 4.0 },
    ],
  },
  // COD ≤ 10 / 15 / 20 mg/L; D above 20.
  cod_mgl: {
    kind: 'upper',
    limits: [
      { cls: 'A', max: 10 },
      { cls: 'B', max: 15 },
      { cls: 'C', max: 20 },
    ],
  },
  // BOD5 ≤ 4 / 6 / 10 mg/L; D above 10.
  bod5_mgl: {
    kind: 'upper',
    limits: [
      { cls: 'A', max: 4 },
      { cls: 'B', max: 6 },
      { cls: 'C', max: 10 },
    ],
  },
  // TSS ≤ 25 mg/L for A; C and D above 100 mg/L; B's limit is not confirmed (DOMAIN.md), so 25–100 is drawn
  // as B/C (yellow) and above 100 as D.
  tss_mgl: {
    kind: 'upper',
    limits: [
      { cls: 'A', max: 25 },
      { cls: 'B', max: 100 },
    ],
  },
};

/** NH4+ (as N): the health limit of QCVN 08:2023, 0.3 mg/L, for every class. */
export const NH4_HEALTH_LIMIT_MGL = 0.3;
