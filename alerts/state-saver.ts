/**
 * When the service's state is written: soon after a transition, repeat, ack or mute (a short delay
 * batches a burst), on the clock when only last-seen times changed, and on demand before a cluster
 * delivery. Counts the recorded changes so the gate knows whether the stored snapshot explains them.
 */
import type { AlertStateStore, PersistedState } from './state-store.ts';

const SAVE_SOON_MS = 200;

export interface StateSaverOptions {
  now: () => number;
  /** Save period when only last-seen times changed, ms. */
  saveIntervalMs: number;
  /** The snapshot to store; undefined while the service has not started (nothing is saved). */
  snapshot: (nowMs: number) => PersistedState | undefined;
}

export class StateSaver {
  readonly #o: StateSaverOptions;
  #store: AlertStateStore | undefined;
  #timer: NodeJS.Timeout | undefined;
  #dirty = false;
  /** Transitions and repeats recorded, and how many of them the last stored snapshot holds. */
  #changes = 0;
  #savedChanges = 0;
  #lastSaveMs = 0;

  constructor(options: StateSaverOptions) {
    this.#o = options;
  }

  open(store: AlertStateStore): void {
    this.#store = store;
  }

  get savedAtMs(): number | undefined {
    return this.#store?.savedAtMs;
  }

  /** Only last-seen times changed: saved on the clock (`tick`). */
  touch(): void {
    this.#dirty = true;
  }

  /** A transition or repeat was recorded (call before handing it on: the gate counts it). */
  recorded(): void {
    this.#changes++;
    this.soon();
  }

  /** Something worth keeping changed (a recorded change, an ack, a mute): saved shortly. */
  soon(): void {
    this.#dirty = true;
    if (this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.save();
    }, SAVE_SOON_MS);
    this.#timer.unref();
  }

  tick(nowMs: number): void {
    if (this.#dirty && nowMs - this.#lastSaveMs >= this.#o.saveIntervalMs) void this.save();
  }

  /** Resolves true when a stored snapshot holds every change recorded so far (saving once if needed). */
  async ensureSaved(): Promise<boolean> {
    const needed = this.#changes;
    if (this.#savedChanges < needed) await this.save();
    return this.#savedChanges >= needed;
  }

  stop(): void {
    clearTimeout(this.#timer);
  }

  async save(): Promise<void> {
    const now = this.#o.now();
    const state = this.#store && this.#o.snapshot(now);
    if (!this.#store || !state) return;
    const upTo = this.#changes;
    this.#dirty = false;
    this.#lastSaveMs = now;
    if ((await this.#store.save(state)) && upTo > this.#savedChanges) this.#savedChanges = upTo;
  }
}
