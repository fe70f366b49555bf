/**
 * What the cameras see: a pure, seeded event model on simulated time. Objects arrive as a
 * non-homogeneous Poisson process (thinning) whose rate follows the day and the rush hours (7–8 h and
 * 17–18 h local, UTC+7); each object yields `new`, one or more `update`s and an `end`, in that order,
 * as Frigate reports a tracked object. A congestion episode adds a stream of slow, often stationary
 * cars on one camera (> 30 cars in 5 min).
 */
import { dayActivity, localHour, rushHour } from '../common/daily.ts';
import { Random } from '../common/random.ts';
import { type CameraDef, LABELS, type Label } from './catalogue.ts';

export type CameraEventType = 'new' | 'update' | 'end';
export type Box = [number, number, number, number];

export interface CameraEvent {
  camera: string;
  /** Unique within the model run; joins the events of one object. */
  objectId: number;
  /** Six base-36 characters for the Frigate-style event id. */
  suffix: string;
  type: CameraEventType;
  label: Label;
  score: number;
  topScore: number;
  currentZones: string[];
  enteredZones: string[];
  box: Box;
  stationary: boolean;
  /** Simulated time of this event and of the object's first sighting, ms. */
  simTimeMs: number;
  startSimMs: number;
}

export interface Congestion {
  camera: string;
  startMs: number;
  durationMs: number;
  carsPerMin: number;
}

export interface CameraModelOptions {
  seed?: number | string;
  /** Simulated time the model starts at, ms since the epoch. */
  startMs: number;
  congestion?: Congestion;
}

/** How long each kind of object stays in view, seconds. */
const DWELL_S: Record<Label, readonly [number, number]> = {
  person: [20, 120],
  bicycle: [10, 40],
  motorcycle: [4, 15],
  car: [5, 20],
  bus: [8, 25],
  truck: [6, 20],
};
const JAM_DWELL_S = [60, 240] as const;
/** Box size in detect-resolution pixels (1280×720), by label. */
const BOX_PX: Record<Label, readonly [number, number]> = {
  person: [60, 160],
  bicycle: [80, 120],
  motorcycle: [90, 130],
  car: [220, 160],
  bus: [420, 300],
  truck: [380, 280],
};
/** Rush hours double the traffic on top of the day's level (1 + RUSH_EXTRA at the peak). */
const RUSH_EXTRA = 2;
const MAX_RUSH_FACTOR = 1 + RUSH_EXTRA;

export function arrivalRatePerMin(camera: CameraDef, timeMs: number): number {
  const h = localHour(timeMs);
  return camera.baseRatePerMin * dayActivity(h) * (1 + RUSH_EXTRA * rushHour(h));
}

export class CameraModel {
  readonly #cameras: readonly CameraDef[];
  readonly #rng: Random;
  readonly #congestion: Congestion | undefined;
  /** Pending events sorted by time (then by insertion order). */
  readonly #queue: CameraEvent[] = [];
  readonly #nextArrival = new Map<string, number>();
  #nextJamArrival: number;
  #nextObjectId = 1;
  #active = new Set<number>();

  constructor(cameras: readonly CameraDef[], opts: CameraModelOptions) {
    this.#cameras = cameras;
    this.#rng = new Random(opts.seed ?? 1).fork('cameras');
    this.#congestion = opts.congestion;
    for (const c of cameras) this.#nextArrival.set(c.id, opts.startMs + this.#candidateGap(c));
    this.#nextJamArrival = opts.congestion
      ? opts.congestion.startMs + this.#rng.exponential(60_000 / opts.congestion.carsPerMin)
      : Number.POSITIVE_INFINITY;
  }

  /** Objects currently in view. */
  activeObjects(): number {
    return this.#active.size;
  }

  congestionActive(simMs: number): boolean {
    const c = this.#congestion;
    return c !== undefined && simMs >= c.startMs && simMs < c.startMs + c.durationMs;
  }

  /** Every event up to and including `simMs`, in time order. */
  advanceTo(simMs: number): CameraEvent[] {
    for (const c of this.#cameras) {
      let t = this.#nextArrival.get(c.id)!;
      while (t <= simMs) {
        // Thinning: candidates at the peak rate, kept with probability rate(t) / peak rate.
        if (this.#rng.chance(arrivalRatePerMin(c, t) / (c.baseRatePerMin * MAX_RUSH_FACTOR))) {
          this.#spawn(c, t, this.#pickLabel(c), false);
        }
        t += this.#candidateGap(c);
      }
      this.#nextArrival.set(c.id, t);
    }
    const jam = this.#congestion;
    while (jam && this.#nextJamArrival <= simMs) {
      const t = this.#nextJamArrival;
      if (t < jam.startMs + jam.durationMs) {
        const camera = this.#cameras.find((c) => c.id === jam.camera);
        if (camera) this.#spawn(camera, t, 'car', true);
        this.#nextJamArrival = t + this.#rng.exponential(60_000 / jam.carsPerMin);
      } else this.#nextJamArrival = Number.POSITIVE_INFINITY;
    }
    let n = 0;
    while (n < this.#queue.length && this.#queue[n]!.simTimeMs <= simMs) n++;
    const due = this.#queue.splice(0, n);
    for (const e of due) if (e.type === 'end') this.#active.delete(e.objectId);
    return due;
  }

  #candidateGap(c: CameraDef): number {
    return this.#rng.exponential(60_000 / (c.baseRatePerMin * MAX_RUSH_FACTOR));
  }

  #pickLabel(c: CameraDef): Label {
    return this.#rng.weighted(LABELS.filter((l) => (c.mix[l] ?? 0) > 0).map((l) => [l, c.mix[l]!] as const));
  }

  #spawn(c: CameraDef, t0: number, label: Label, jammed: boolean): void {
    const rng = this.#rng;
    const objectId = this.#nextObjectId++;
    this.#active.add(objectId);
    const [lo, hi] = jammed ? JAM_DWELL_S : DWELL_S[label];
    const dwellMs = rng.range(lo, hi) * 1000;
    const updates = Math.min(5, 1 + Math.floor(dwellMs / 8000));
    const [w, h] = BOX_PX[label];
    const x = Math.round(rng.range(0, 1280 - w));
    const y = Math.round(rng.range(0, 720 - h));
    const box: Box = [x, y, x + w, y + h];
    const suffix = Array.from({ length: 6 }, () => rng.int(0, 35).toString(36)).join('');
    let score = rng.range(0.55, 0.8);
    let topScore = score;
    const entered: string[] = [];
    const steps = updates + 2; // new, updates, end
    for (let i = 0; i < steps; i++) {
      const type: CameraEventType = i === 0 ? 'new' : i === steps - 1 ? 'end' : 'update';
      // Times strictly increasing within the object: evenly spread over the dwell, with jitter.
      const simTimeMs =
        t0 + (dwellMs * (i + (i > 0 && i < steps - 1 ? rng.range(-0.3, 0.3) : 0))) / (steps - 1);
      if (i > 0) score = Math.min(0.97, Math.max(0.5, score + rng.normal(0.03, 0.05)));
      topScore = Math.max(topScore, score);
      // The object walks through the camera's zones, then leaves them on `end`.
      const zone =
        type === 'end'
          ? undefined
          : c.zones[Math.min(c.zones.length - 1, Math.floor((i * c.zones.length) / steps))];
      if (zone && !entered.includes(zone)) entered.push(zone);
      this.#insert({
        camera: c.id,
        objectId,
        suffix,
        type,
        label,
        score: Math.round(score * 1000) / 1000,
        topScore: Math.round(topScore * 1000) / 1000,
        currentZones: zone ? [zone] : [],
        enteredZones: [...entered],
        box,
        stationary: jammed && type === 'update' && rng.chance(0.6),
        simTimeMs,
        startSimMs: t0,
      });
    }
  }

  #insert(e: CameraEvent): void {
    let lo = 0;
    let hi = this.#queue.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#queue[mid]!.simTimeMs <= e.simTimeMs) lo = mid + 1;
      else hi = mid;
    }
    this.#queue.splice(lo, 0, e);
  }
}
