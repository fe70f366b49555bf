/**
 * What only the leader does (alert evaluation and notification, the remote feed, Modbus polling,
 * device-info points), started when this hub takes the lease and stopped when it loses or releases it.
 * Changes are serialised: a duty never starts while the previous term's is still stopping.
 */
import type { Logger } from 'pino';

export interface LeaderDuty {
  readonly name: string;
  /** A leader without it is no leader (the alerts): if it cannot start, the term is given up. */
  readonly essential?: boolean;
  start(): Promise<void>;
  /** Idempotent. */
  stop(): Promise<void>;
}

export class Leadership {
  readonly #duties: LeaderDuty[];
  readonly #log: Logger;
  readonly #now: () => number;
  #chain: Promise<void> = Promise.resolve();
  #running = false;
  /** Terms started on this hub, and how long the last one took to get its duties going, ms. */
  terms = 0;
  lastStartMs: number | undefined;

  /** Called when an essential duty did not start: the owner gives the lease up (another hub may do better). */
  onEssentialFailure: (() => void) | undefined;

  constructor(duties: LeaderDuty[], log: Logger, now: () => number = Date.now) {
    this.#duties = duties;
    this.#log = log;
    this.#now = now;
  }

  get running(): boolean {
    return this.#running;
  }

  add(duty: LeaderDuty): void {
    this.#duties.push(duty);
  }

  /** Queues a start (lease taken) or a stop (lease lost); resolves once that change is done. */
  change(leader: boolean, reason?: string): Promise<void> {
    this.#chain = this.#chain.then(() => (leader ? this.#startAll() : this.#stopAll(reason)));
    return this.#chain;
  }

  async #startAll(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    this.terms++;
    const started = this.#now();
    for (const duty of this.#duties) {
      try {
        await duty.start();
      } catch (err) {
        this.#log.error({ err, duty: duty.name }, 'cluster: a leader duty did not start');
        if (duty.essential) {
          await this.#stopAll('an essential duty did not start');
          this.onEssentialFailure?.();
          return;
        }
        // The others still run: alerts without Modbus beat no alerts at all.
      }
    }
    this.lastStartMs = this.#now() - started;
    this.#log.info(
      { duties: this.#duties.map((d) => d.name), startMs: this.lastStartMs },
      'cluster: this hub leads',
    );
  }

  async #stopAll(reason: string | undefined): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    for (const duty of [...this.#duties].reverse()) {
      try {
        await duty.stop();
      } catch (err) {
        this.#log.warn({ err, duty: duty.name }, 'cluster: a leader duty did not stop cleanly');
      }
    }
    this.#log.warn({ reason }, 'cluster: this hub no longer leads');
  }
}
