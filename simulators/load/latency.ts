/**
 * PUBACK latencies: a bounded uniform sample (reservoir, Algorithm R) so a run of millions of publishes
 * keeps a fixed memory, and exact counts, minimum and maximum.
 */
import { Random } from '../common/random.ts';

export interface LatencySummary {
  samples: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

export class LatencyRecorder {
  readonly #reservoir: Float64Array;
  readonly #rng: Random;
  #count = 0;
  #filled = 0;
  #max = 0;
  #sum = 0;

  constructor(capacity = 200_000, seed: number | string = 1) {
    this.#reservoir = new Float64Array(capacity);
    this.#rng = new Random(seed).fork('latency');
  }

  record(ms: number): void {
    this.#count++;
    this.#sum += ms;
    if (ms > this.#max) this.#max = ms;
    if (this.#filled < this.#reservoir.length) this.#reservoir[this.#filled++] = ms;
    else {
      const j = Math.floor(this.#rng.next() * this.#count);
      if (j < this.#reservoir.length) this.#reservoir[j] = ms;
    }
  }

  get count(): number {
    return this.#count;
  }

  summary(): LatencySummary {
    const sorted = this.#reservoir.slice(0, this.#filled).sort();
    // Nearest-rank percentile.
    const at = (p: number): number =>
      sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
    const r3 = (x: number): number => Math.round(x * 1000) / 1000;
    return {
      samples: this.#count,
      p50: r3(at(0.5)),
      p90: r3(at(0.9)),
      p99: r3(at(0.99)),
      max: r3(this.#max),
      mean: r3(this.#count > 0 ? this.#sum / this.#count : 0),
    };
  }
}
