/**
 * The persisted alert state (`state.json` in the state dir): every rule's entity states (pending
 * timers, firing alerts, last-seen times), notification bookkeeping and acks, API mutes and the fleet.
 * Written atomically (temporary file, then rename) so a crash leaves the old or the new file, never
 * half of one. An unreadable file is moved aside and the hub starts empty, saying so.
 */
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { VesselRecord } from './fleet-state.ts';
import type { Mute } from './mutes.ts';
import type { Severity } from './rule-schema.ts';
import type { EntityState } from './types.ts';

/** Notification bookkeeping of one pending or firing alert episode. */
export interface AlertMeta {
  rule: string;
  department: string;
  severity: Severity;
  entity: string;
  tags: Record<string, string>;
  startedAtMs: number;
  firingTransitionId?: string;
  lastNotifiedMs?: number;
  repeats: number;
  ack?: { by: string; atMs: number };
}

export interface PersistedState {
  version: 1;
  savedAtMs: number;
  /** Per rule id: its kind (a rule whose kind changed starts afresh) and its entities. */
  rules: Record<string, { kind: string; entities: Record<string, EntityState> }>;
  alerts: Record<string, AlertMeta>;
  mutes: Mute[];
  fleet: VesselRecord[];
}

/**
 * Where the state lives: `state.json` (StateStore, one hub), or a shared store a new cluster leader
 * reads (cluster/alert-state.ts). `save` resolves false when the snapshot was not stored.
 */
export interface AlertStateStore {
  load(): PersistedState | undefined | Promise<PersistedState | undefined>;
  save(state: PersistedState): Promise<boolean>;
  readonly savedAtMs: number | undefined;
}

export class StateStore implements AlertStateStore {
  readonly #file: string;
  #saving: Promise<void> = Promise.resolve();
  savedAtMs: number | undefined;

  constructor(
    stateDir: string,
    private readonly log: Logger,
  ) {
    this.#file = join(stateDir, 'state.json');
  }

  load(): PersistedState | undefined {
    if (!existsSync(this.#file)) return undefined;
    try {
      const state = JSON.parse(readFileSync(this.#file, 'utf8')) as PersistedState;
      if (state?.version !== 1 || typeof state.rules !== 'object')
        throw new Error('not a version 1 state file');
      return state;
    } catch (err) {
      const aside = `${this.#file}.corrupt-${Date.now()}`;
      renameSync(this.#file, aside);
      this.log.error({ err, movedTo: aside }, 'alerts: the state file is unreadable; starting without it');
      return undefined;
    }
  }

  /** Saves one snapshot after any save in progress (saves never overlap). */
  save(state: PersistedState): Promise<boolean> {
    const text = JSON.stringify(state);
    const saved = this.#saving.then(async () => {
      const tmp = `${this.#file}.tmp`;
      try {
        await writeFile(tmp, text);
        await rename(tmp, this.#file);
        this.savedAtMs = state.savedAtMs;
        return true;
      } catch (err) {
        this.log.error({ err }, 'alerts: could not save the state');
        return false;
      }
    });
    this.#saving = saved.then(() => {});
    return saved;
  }
}
