/** How long `onPoints` takes: the last 1024 calls, for the p99 in the service's metrics. */
const SAMPLES = 1024;

export class DecisionTiming {
  readonly #ms: number[] = [];
  #next = 0;

  add(ms: number): void {
    this.#ms[this.#next] = ms;
    this.#next = (this.#next + 1) % SAMPLES;
  }

  p99(): number {
    const samples = this.#ms.slice().sort((a, b) => a - b);
    return samples[Math.min(samples.length - 1, Math.floor(samples.length * 0.99))] ?? 0;
  }
}
