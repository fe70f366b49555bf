/**
 * The alert state of a cluster, in Redis: one JSON snapshot (the same `PersistedState` a single hub keeps
 * in `state.json`) under `{prefix}alerts:state`, so a new leader finds every firing alert where the old
 * one left it. A save is fenced by the lease: a script stores it only while the saver's token still holds
 * the leader key, so a deposed leader (paused, partitioned) cannot overwrite its successor's state.
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { AlertStateStore, PersistedState } from '../alerts/state-store.ts';

/** KEYS[1] = lease, KEYS[2] = state; ARGV[1] = token, ARGV[2] = JSON. 1 = stored, 0 = not the leader. */
const FENCED_SET = `if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[2], ARGV[2])
  return 1
end
return 0`;

export interface RedisStateOptions {
  redis: Redis;
  stateKey: string;
  leaseKey: string;
  /** The lease token of this hub. */
  token: string;
  log: Logger;
  /** When Redis holds no state yet: e.g. the `state.json` of the hub before it joined a cluster. */
  fallback?: () => PersistedState | undefined;
}

export class RedisAlertStateStore implements AlertStateStore {
  readonly #o: RedisStateOptions;
  #saving: Promise<unknown> = Promise.resolve();
  savedAtMs: number | undefined;

  constructor(options: RedisStateOptions) {
    this.#o = options;
  }

  async load(): Promise<PersistedState | undefined> {
    const { redis, stateKey, log } = this.#o;
    const text = await redis.get(stateKey);
    if (text === null) {
      const local = this.#o.fallback?.();
      if (local) log.warn('alerts: no cluster state in Redis yet; starting from this hub’s state.json');
      return local;
    }
    try {
      const state = JSON.parse(text) as PersistedState;
      if (state?.version !== 1 || typeof state.rules !== 'object') throw new Error('not a version 1 state');
      return state;
    } catch (err) {
      // Left in place for inspection; the next save replaces it.
      log.error(
        { err, key: stateKey },
        'alerts: the cluster state in Redis is unreadable; starting without it',
      );
      return undefined;
    }
  }

  /** Saves never overlap; false when Redis refused (another hub leads) or failed. */
  save(state: PersistedState): Promise<boolean> {
    const text = JSON.stringify(state);
    const saved = this.#saving.then(() => this.#store(state.savedAtMs, text));
    this.#saving = saved;
    return saved;
  }

  async #store(savedAtMs: number, text: string): Promise<boolean> {
    const { redis, stateKey, leaseKey, token, log } = this.#o;
    try {
      const stored = (await redis.eval(FENCED_SET, 2, leaseKey, stateKey, token, text)) === 1;
      if (!stored) {
        log.warn('alerts: state not saved: this hub no longer holds the leader lease');
        return false;
      }
      this.savedAtMs = savedAtMs;
      return true;
    } catch (err) {
      log.error({ err }, 'alerts: could not save the state to Redis');
      return false;
    }
  }
}
