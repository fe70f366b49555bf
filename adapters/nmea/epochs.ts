/**
 * Each vessel's current NMEA epoch: the time of its last stored RMC/GGA/GLL fix, which a following VTG
 * (no time of its own) joins (DESIGN.md "Time"). Bounded: at most `maxVessels` vessels are remembered,
 * the least recently updated forgotten first.
 */

/** Default bound on remembered vessels; a province's fleet is a few thousand boats. */
export const DEFAULT_MAX_VESSELS = 50_000;
/**
 * A VTG joins an epoch received at most this long before it (ms, hub clock). Receivers send a fix and its
 * VTG in the same second; a VTG arriving long after the last fix would otherwise overwrite the speed and
 * course of an old point.
 */
export const EPOCH_WINDOW_MS = 60_000;

interface Epoch {
  timeMs: number;
  receivedAtMs: number;
}

export class VesselEpochs {
  readonly #byVessel = new Map<string, Epoch>();

  constructor(private readonly maxVessels = DEFAULT_MAX_VESSELS) {}

  get size(): number {
    return this.#byVessel.size;
  }

  set(vessel: string, timeMs: number, receivedAtMs: number): void {
    // Delete first so the Map's insertion order is the update order (oldest first).
    this.#byVessel.delete(vessel);
    this.#byVessel.set(vessel, { timeMs, receivedAtMs });
    if (this.#byVessel.size > this.maxVessels) {
      const oldest = this.#byVessel.keys().next().value;
      if (oldest !== undefined) this.#byVessel.delete(oldest);
    }
  }

  /** The vessel's epoch time in ms, or undefined when it has none received within EPOCH_WINDOW_MS. */
  current(vessel: string, receivedAtMs: number): number | undefined {
    const epoch = this.#byVessel.get(vessel);
    if (epoch === undefined || receivedAtMs - epoch.receivedAtMs > EPOCH_WINDOW_MS) return undefined;
    return epoch.timeMs;
  }
}
