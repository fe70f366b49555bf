/**
 * The broker's limits beyond the packet size: open connections, per-client publish rate (token bucket),
 * subscriptions per client. Each is a small stateful gate the broker consults; the counters they feed
 * live in broker-metrics.ts.
 */
import { TokenBucket } from './token-bucket.ts';

/** Counts open sockets over every listener (TCP, TLS, WebSocket); refuses beyond `max`. */
export class ConnectionGate {
  #open = 0;

  constructor(private readonly max: number) {}

  /** Admits a raw socket (counted until it closes), or returns false: the caller destroys it. */
  admit(socket: { once(event: 'close', listener: () => void): unknown }): boolean {
    if (this.#open >= this.max) return false;
    this.#open++;
    socket.once('close', () => {
      this.#open--;
    });
    return true;
  }

  get open(): number {
    return this.#open;
  }
}

export type RateDecision = 'ok' | 'limited' | 'limited_quietly';

/**
 * Per-client publish rate, keyed by the client's name (device id, else client id) so that reconnecting
 * does not refill the bucket. An excess publish is dead-lettered (`rate_limited`), acknowledged and
 * dropped; the dead letters themselves are limited to the same rate, so a flooding client cannot turn its
 * flood into a flood of dead letters: beyond that it is only counted (`limited_quietly`).
 */
export class PublishRateLimiter {
  readonly #buckets = new Map<string, { publish: TokenBucket; record: TokenBucket }>();
  #lastSweepMs = 0;

  constructor(
    private readonly ratePerS: number,
    private readonly burst: number,
  ) {}

  get enabled(): boolean {
    return this.ratePerS > 0;
  }

  check(client: string, nowMs: number): RateDecision {
    if (!this.enabled) return 'ok';
    this.#sweep(nowMs);
    let buckets = this.#buckets.get(client);
    if (!buckets) {
      buckets = {
        publish: new TokenBucket(this.ratePerS, this.burst, nowMs),
        record: new TokenBucket(this.ratePerS, Math.max(1, Math.ceil(this.ratePerS)), nowMs),
      };
      this.#buckets.set(client, buckets);
    }
    if (buckets.publish.take(nowMs)) return 'ok';
    return buckets.record.take(nowMs) ? 'limited' : 'limited_quietly';
  }

  /** Buckets back to full belong to idle clients: forgotten, so the map holds only active ones. */
  #sweep(nowMs: number): void {
    if (nowMs - this.#lastSweepMs < 60_000) return;
    this.#lastSweepMs = nowMs;
    for (const [name, b] of this.#buckets) {
      if (b.publish.isFull(nowMs) && b.record.isFull(nowMs)) this.#buckets.delete(name);
    }
  }
}

/** Distinct subscription filters per client, at most `max`; a re-subscription to a filter held is free. */
export class SubscriptionLimiter {
  readonly #filters = new WeakMap<object, Set<string>>();

  constructor(readonly max: number) {}

  tryAdd(client: object, filter: string): boolean {
    let set = this.#filters.get(client);
    if (!set) {
      set = new Set();
      this.#filters.set(client, set);
    }
    if (set.has(filter)) return true;
    if (set.size >= this.max) return false;
    set.add(filter);
    return true;
  }

  remove(client: object, filters: readonly string[]): void {
    const set = this.#filters.get(client);
    if (set) for (const f of filters) set.delete(f);
  }

  count(client: object): number {
    return this.#filters.get(client)?.size ?? 0;
  }
}
