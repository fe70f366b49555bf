/** What every simulator's `start()` returns, and the clock the simulators share. */

export interface SimulatorStats {
  /** Messages published (MQTT) or responses served (Modbus). */
  published: number;
  errors: number;
  /** Real time since start, ms. */
  elapsedMs: number;
}

export interface SimulatorHandle<S extends SimulatorStats = SimulatorStats> {
  /** Idempotent; once it resolves the simulator publishes nothing more and holds no socket or timer. */
  stop(): Promise<void>;
  stats(): S;
}

/**
 * Simulated time: the real clock's start plus the real time elapsed times the speedup. Published
 * timestamps are always the real clock (the hub rejects future times); the speedup only makes the
 * simulated world (motion, daily cycles, schedules) go faster.
 */
export class SimClock {
  readonly #startReal: number;
  readonly #startSim: number;
  /** `simStartMs`: where simulated time starts (default: now), e.g. 07:00 local for the morning rush. */
  constructor(
    private readonly now: () => number,
    readonly speedup: number,
    simStartMs?: number,
  ) {
    if (!(speedup > 0)) throw new RangeError(`speedup must be > 0, got ${speedup}`);
    this.#startReal = now();
    this.#startSim = simStartMs ?? this.#startReal;
  }

  realMs(): number {
    return this.now();
  }

  simMs(): number {
    return this.#startSim + (this.now() - this.#startReal) * this.speedup;
  }

  /** A simulated duration as real milliseconds. */
  toRealMs(simDurationMs: number): number {
    return simDurationMs / this.speedup;
  }
}

/** Waits `ms`, or less when the signal aborts; never rejects. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
