/**
 * What the stations measure: a pure function of (station, simulated time, episode). Daily cycles on
 * local time (UTC+7): air temperature peaks mid-afternoon, traffic pollutants (PM, NO2, CO) at the
 * 7–8 h and 17–18 h rush hours, O3 with the midday sun; in the water, warmer afternoons hold less
 * oxygen (DO lower in the afternoon) while photosynthesis lifts the pH. Smooth seeded noise on top,
 * always clamped to physical ranges. A pollution episode lifts PM2.5 to ~150–250 µg/m³ in the air
 * and NH4+ to 1.5–3 mg/L (with COD/BOD up, DO down) in the water.
 */
import { bump, localHour, rushHour } from '../common/daily.ts';
import { seedFrom } from '../common/random.ts';
import type { StationDef } from './catalogue.ts';

export type Readings = Record<string, number>;
type Seed = number | string;

/** Physical ranges every simulated value stays within (units of DESIGN.md `environment`). */
export const PHYSICAL_RANGES: Readonly<Record<string, readonly [number, number]>> = {
  pm25: [0, 500],
  pm10: [0, 600],
  no2: [0, 400],
  o3: [0, 400],
  so2: [0, 200],
  co: [0, 10_000],
  temp_c: [10, 40],
  humidity_pct: [30, 100],
  ph: [5.5, 9],
  do_mgl: [0, 14],
  cod_mgl: [0, 100],
  bod5_mgl: [0, 50],
  tss_mgl: [0, 500],
  nh4_mgl: [0, 10],
  turbidity_ntu: [0, 1000],
};

export interface Episode {
  /** Stations concerned (default: every station). */
  stations?: readonly string[];
  /** Simulated ms since the epoch at which the episode starts. */
  startMs: number;
  /** Simulated duration, ms. */
  durationMs: number;
  /** PM2.5 at the peak, µg/m³ (default 200). */
  peakPm25?: number;
  /** NH4+ at the peak, mg/L (default 2.5). */
  peakNh4?: number;
}

/** Cosine with its maximum at `peakHour`, in [-1, 1]. */
function daily(hour: number, peakHour: number): number {
  return Math.cos((2 * Math.PI * (hour - peakHour)) / 24);
}

function hash01(seed: number, slot: number): number {
  let h = seedFrom(`${seed}:${slot}`);
  h ^= h >>> 16;
  return (h >>> 0) / 4_294_967_296;
}

/** Deterministic noise in [-1, 1], smooth over `periodMs` (cosine interpolation between slots). */
export function smoothNoise(key: string, timeMs: number, periodMs = 10 * 60_000): number {
  const seed = seedFrom(key);
  const x = timeMs / periodMs;
  const slot = Math.floor(x);
  const a = hash01(seed, slot) * 2 - 1;
  const b = hash01(seed, slot + 1) * 2 - 1;
  const t = (1 - Math.cos(Math.PI * (x - slot))) / 2;
  return a + (b - a) * t;
}

/** 0 outside the episode, rising to 1 over its first quarter, holding, then decaying over its last 40 %. */
export function episodeLevel(episode: Episode | undefined, stationId: string, timeMs: number): number {
  if (!episode || (episode.stations && !episode.stations.includes(stationId))) return 0;
  const f = (timeMs - episode.startMs) / episode.durationMs;
  if (f <= 0 || f >= 1) return 0;
  const smooth = (x: number): number => x * x * (3 - 2 * x);
  if (f < 0.25) return smooth(f / 0.25);
  if (f < 0.6) return 1;
  return smooth((1 - f) / 0.4);
}

function clampAll(values: Readings): Readings {
  for (const [field, value] of Object.entries(values)) {
    const [lo, hi] = PHYSICAL_RANGES[field] ?? [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY];
    values[field] = Math.min(hi, Math.max(lo, value));
  }
  return values;
}

function airValues(s: StationDef, timeMs: number, level: number, seed: Seed, episode?: Episode): Readings {
  const h = localHour(timeMs);
  const n = (what: string, periodMs?: number): number =>
    smoothNoise(`${seed}:${s.id}:${what}`, timeMs, periodMs);
  const rush = rushHour(h);
  // Night-time inversion keeps the day's particles near the ground.
  const night = bump(h, 2, 3);
  const pm25Base = s.load * (14 + 22 * rush + 6 * night) + 4 * n('pm25');
  const pm25 = pm25Base + level * ((episode?.peakPm25 ?? 200) - pm25Base);
  const sun = h > 7 && h < 18 ? Math.sin((Math.PI * (h - 7)) / 11) : 0;
  return {
    pm25,
    pm10: pm25 * (1.6 + 0.15 * n('pm10', 30 * 60_000)) - level * 0.2 * pm25,
    no2: s.load * (14 + 32 * rush) + 4 * n('no2'),
    o3: 25 + 75 * sun ** 1.5 + 8 * n('o3'),
    co: s.load * (450 + 750 * rush) + 80 * n('co'),
    so2: s.load * (7 + 5 * rush) + 1.5 * n('so2'),
    temp_c: 26.5 + 4 * daily(h, 14.5) + 0.8 * n('temp', 60 * 60_000),
    humidity_pct: 79 - 13 * daily(h, 14.5) + 4 * n('rh', 60 * 60_000),
  };
}

function waterValues(s: StationDef, timeMs: number, level: number, seed: Seed, episode?: Episode): Readings {
  const h = localHour(timeMs);
  const n = (what: string, periodMs = 30 * 60_000): number =>
    smoothNoise(`${seed}:${s.id}:${what}`, timeMs, periodMs);
  const afternoon = daily(h, 15);
  const nh4Base = 0.08 * s.load + 0.03 * n('nh4');
  const cod = 8.5 * s.load + 1.5 * n('cod') + level * 16;
  return {
    temp_c: 27.5 + 1.4 * afternoon + 0.3 * n('temp', 60 * 60_000),
    ph: 7.25 + 0.25 * afternoon + 0.05 * n('ph'),
    // Warmer water holds less oxygen: lowest in the afternoon; an episode's organic load uses it up.
    do_mgl: 7.4 - 0.5 * (s.load - 1) * 4 - 0.8 * afternoon + 0.2 * n('do') - level * 3,
    cod_mgl: cod,
    bod5_mgl: cod * (0.38 + 0.04 * n('bod')),
    tss_mgl: 16 * s.load + 6 * n('tss') + level * 25,
    nh4_mgl: nh4Base + level * ((episode?.peakNh4 ?? 2.5) - nh4Base),
    turbidity_ntu: 11 * s.load + 4 * n('turbidity') + level * 20,
  };
}

/** Every value the station measures at `timeMs` (simulated), in engineering units. */
export function stationReadings(s: StationDef, timeMs: number, episode?: Episode, seed: Seed = 1): Readings {
  const level = episodeLevel(episode, s.id, timeMs);
  const all =
    s.medium === 'air'
      ? airValues(s, timeMs, level, seed, episode)
      : waterValues(s, timeMs, level, seed, episode);
  // Only what the station's register map carries (a vendor B air station has no O3 sensor).
  const mapped = new Set(s.registers.map((r) => r.field));
  return clampAll(Object.fromEntries(Object.entries(all).filter(([field]) => mapped.has(field))));
}
