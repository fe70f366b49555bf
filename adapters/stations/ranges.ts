/**
 * Physically plausible range of every `environment` field (DESIGN.md), inclusive. A value outside is a
 * sensor or gateway fault (a negative concentration, pH 15, a stuck 0xFFFF register scaled to 6553.5),
 * not weather: it is dead-lettered `out_of_range` instead of skewing VN_AQI or a QCVN 08 class.
 * The bounds are deliberately wide (measuring ranges of common analyzers, above the top of the VN_AQI
 * scale) so that a real extreme is never refused. The simulators and the Modbus poller reuse them.
 */

export interface PhysicalRange {
  min: number;
  max: number;
}

export type Medium = 'air' | 'water';

export const PHYSICAL_RANGES: Readonly<Record<string, PhysicalRange>> = Object.freeze({
  // Gases and particles, µg/m³. VN_AQI tops out at PM2.5 500, PM10 600, O3 1200, NO2 3850, SO2 2630,
  // CO 150000 (Decision 1459/QD-TCMT); beam-attenuation and optical PM monitors read up to 1000/2000.
  pm25: { min: 0, max: 1000 },
  pm10: { min: 0, max: 2000 },
  o3: { min: 0, max: 2000 },
  no2: { min: 0, max: 5000 },
  so2: { min: 0, max: 5000 },
  co: { min: 0, max: 150_000 },
  // Air temperature, °C: Vietnam's records are about −6 (Sa Pa) to 44 °C; −20..60 leaves a margin.
  // Water stations use WATER_TEMP_RANGE instead (see physicalRange).
  temp_c: { min: -20, max: 60 },
  humidity_pct: { min: 0, max: 100 },
  ph: { min: 0, max: 14 },
  // Dissolved oxygen, mg/L: saturation is ~8 at 25 °C; supersaturated algal blooms reach ~20.
  do_mgl: { min: 0, max: 20 },
  cod_mgl: { min: 0, max: 1000 },
  bod5_mgl: { min: 0, max: 1000 },
  // Flood water of the Huong river carries a lot of sediment; optical TSS probes read up to ~5000 mg/L.
  tss_mgl: { min: 0, max: 5000 },
  nh4_mgl: { min: 0, max: 100 },
  turbidity_ntu: { min: 0, max: 4000 },
});

/** Surface water is liquid and, in central Vietnam, never hotter than a sun-baked pond: 0..45 °C. */
export const WATER_TEMP_RANGE: PhysicalRange = Object.freeze({ min: 0, max: 45 });

/** The range that applies to a field at a station of this medium (only temperature differs). */
export function physicalRange(field: string, medium: Medium): PhysicalRange | undefined {
  if (field === 'temp_c' && medium === 'water') return WATER_TEMP_RANGE;
  return PHYSICAL_RANGES[field];
}
