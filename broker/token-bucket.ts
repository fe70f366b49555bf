/**
 * A token bucket: `ratePerS` tokens a second, at most `burst` saved up. Used for the per-client MQTT
 * publish rate and the HTTP API's per-address rate limit. Time is passed in (ms), so tests need no clock.
 */
export class TokenBucket {
  #tokens: number;
  #lastMs: number;

  constructor(
    readonly ratePerS: number,
    readonly burst: number,
    nowMs: number,
  ) {
    this.#tokens = burst;
    this.#lastMs = nowMs;
  }

  /** Takes one token if there is one. */
  take(nowMs: number): boolean {
    this.#refill(nowMs);
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  /** Milliseconds until the next token (0 when one is available). */
  waitMs(nowMs: number): number {
    this.#refill(nowMs);
    if (this.#tokens >= 1 || this.ratePerS <= 0) return 0;
    return Math.ceil(((1 - this.#tokens) / this.ratePerS) * 1000);
  }

  /** Whether the bucket is back to full (an idle client's bucket can be forgotten). */
  isFull(nowMs: number): boolean {
    this.#refill(nowMs);
    return this.#tokens >= this.burst;
  }

  #refill(nowMs: number): void {
    const elapsed = nowMs - this.#lastMs;
    if (elapsed <= 0) return;
    this.#lastMs = nowMs;
    this.#tokens = Math.min(this.burst, this.#tokens + (elapsed / 1000) * this.ratePerS);
  }
}
