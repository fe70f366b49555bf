/**
 * The leader lease: one key in Redis holding the leader's token, taken with `SET key token NX PX ttl`
 * and renewed with a compare-and-set script, so only the holder extends it and a leader that stops
 * renewing (killed, partitioned, frozen) loses it when the key expires. The holder counts itself leader
 * only until `renewal sent + ttl - margin`: its own view ends before Redis lets anyone else in, so two
 * hubs never both believe they lead. Notifications ask `confirm()` (local view and Redis) first.
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

/** Extends the lease only for its holder: 1 = renewed, 0 = not ours any more. */
const RENEW_SCRIPT = `if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0`;

/** Deletes the lease only for its holder (a graceful stop hands over at once). */
const RELEASE_SCRIPT = `if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`;

export interface LeaseOptions {
  redis: Redis;
  key: string;
  /** The hub's instance name: the first part of the token, so the holder is readable in Redis. */
  owner: string;
  ttlMs: number;
  renewIntervalMs: number;
  log: Logger;
  now?: () => number;
  /** Called on every change, in order (with why it was lost); the caller serialises its own work. */
  onChange(leader: boolean, reason?: string): void;
}

export class LeaderLease {
  readonly token: string;
  readonly #o: LeaseOptions;
  readonly #now: () => number;
  /** Our own view: leader until this instant (0 = not leader). */
  #validUntil = 0;
  #timer: NodeJS.Timeout | undefined;
  #busy: Promise<void> | undefined;
  #stopped = false;
  #errorLogged = false;
  #lastHolder: string | null = null;
  /** When this hub last became leader, ms. */
  acquiredAtMs: number | undefined;

  constructor(options: LeaseOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
    this.token = `${options.owner}/${process.pid}/${randomBytes(6).toString('hex')}`;
  }

  /** The margin by which our view ends before the key expires (clock rate differences, a slow reply). */
  get #marginMs(): number {
    return Math.min(1_000, Math.floor(this.#o.ttlMs / 10));
  }

  /** First attempt now, then one every `renewIntervalMs`. */
  async start(): Promise<void> {
    this.#stopped = false;
    await this.attempt();
    this.#timer = setInterval(() => void this.attempt(), this.#o.renewIntervalMs);
    this.#timer.unref();
  }

  /** Local view, no I/O: safe on hot paths. */
  isLeader(): boolean {
    return this.#validUntil > 0 && this.#now() < this.#validUntil;
  }

  /** Local view and the key in Redis: what a notification asks before it leaves. */
  async confirm(): Promise<boolean> {
    if (!this.isLeader()) return false;
    try {
      return (await this.#o.redis.get(this.#o.key)) === this.token && this.isLeader();
    } catch {
      return false;
    }
  }

  /** The instance holding the lease at the last round (this hub's own name while it leads). */
  holderOwner(): string | undefined {
    const token = this.isLeader() ? this.token : this.#lastHolder;
    return token ? ownerOf(token) : undefined;
  }

  /** The token of whoever holds the lease now (null: nobody). */
  async holder(): Promise<string | null> {
    return this.#o.redis.get(this.#o.key);
  }

  /** One take-or-renew round (the timer calls it; tests may too). Rounds never overlap. */
  attempt(): Promise<void> {
    // Our view ends on time even while a round hangs on a slow Redis.
    if (this.#validUntil > 0 && this.#now() >= this.#validUntil)
      this.#lose('the lease could not be renewed in time');
    this.#busy ??= this.#round().finally(() => {
      this.#busy = undefined;
    });
    return this.#busy;
  }

  async #round(): Promise<void> {
    if (this.#stopped) return;
    const { redis, key, ttlMs } = this.#o;
    const sentAt = this.#now();
    try {
      if (this.#validUntil > 0) {
        const renewed = (await redis.eval(RENEW_SCRIPT, 1, key, this.token, String(ttlMs))) === 1;
        if (renewed) this.#validUntil = sentAt + ttlMs - this.#marginMs;
        else this.#lose('the lease expired and another hub took it');
      } else {
        const taken = (await redis.set(key, this.token, 'PX', ttlMs, 'NX')) === 'OK';
        if (taken && !this.#stopped) this.#gain(sentAt);
        else this.#lastHolder = await redis.get(key);
      }
      this.#errorLogged = false;
    } catch (err) {
      if (!this.#errorLogged)
        this.#o.log.warn({ err, key }, 'cluster: lease round failed (Redis unreachable?); retrying');
      this.#errorLogged = true;
    }
    if (this.#validUntil > 0 && this.#now() >= this.#validUntil)
      this.#lose('the lease could not be renewed in time');
  }

  #gain(sentAt: number): void {
    this.#validUntil = sentAt + this.#o.ttlMs - this.#marginMs;
    this.acquiredAtMs = this.#now();
    this.#o.onChange(true);
  }

  #lose(reason: string): void {
    if (this.#validUntil === 0) return;
    this.#validUntil = 0;
    this.#o.onChange(false, reason);
  }

  /** Gives a held lease up now and goes on competing at the next rounds. */
  async release(reason: string): Promise<void> {
    if (this.#validUntil === 0) return;
    this.#lose(reason);
    try {
      await this.#o.redis.eval(RELEASE_SCRIPT, 1, this.#o.key, this.token);
    } catch (err) {
      this.#o.log.warn({ err }, 'cluster: could not release the lease; it expires by itself');
    }
  }

  /** Stops the rounds; a held lease is released so another hub takes over without waiting for expiry. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    await this.#busy;
    await this.release('stopping');
  }
}

/** `owner/pid/random` → owner (an instance name may itself hold slashes). */
export function ownerOf(token: string): string {
  return token.split('/').slice(0, -2).join('/') || token;
}
