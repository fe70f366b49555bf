/**
 * Recent transitions (`history.jsonl` in the state dir): what `GET /api/alerts/history` answers without
 * asking InfluxDB. Bounded by `historyLimit` and 30 days; appended per batch, compacted at load.
 */
import { appendFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { TransitionPayload } from './payload.ts';

const MAX_AGE_MS = 30 * 86_400_000;

export class History {
  readonly #file: string;
  #entries: TransitionPayload[] = [];
  #buffer: TransitionPayload[] = [];

  constructor(
    stateDir: string,
    private readonly limit: number,
    private readonly log: Logger,
  ) {
    this.#file = join(stateDir, 'history.jsonl');
  }

  load(nowMs: number): void {
    if (!existsSync(this.#file)) return;
    const entries: TransitionPayload[] = [];
    for (const line of readFileSync(this.#file, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      try {
        entries.push(JSON.parse(line) as TransitionPayload);
      } catch {
        this.log.warn({ file: this.#file }, 'alerts history: skipping a torn line');
      }
    }
    this.#entries = entries.filter((e) => nowMs - e.time_ms <= MAX_AGE_MS).slice(-this.limit);
    const tmp = `${this.#file}.tmp`;
    writeFileSync(tmp, this.#entries.map((e) => `${JSON.stringify(e)}\n`).join(''));
    renameSync(tmp, this.#file);
  }

  add(entry: TransitionPayload): void {
    if (this.limit === 0) return;
    this.#entries.push(entry);
    this.#buffer.push(entry);
    // Trim in chunks so the array is not shifted on every add.
    if (this.#entries.length > this.limit * 1.1 + 100) this.#entries = this.#entries.slice(-this.limit);
  }

  flush(): void {
    if (this.#buffer.length === 0) return;
    const text = this.#buffer.map((e) => `${JSON.stringify(e)}\n`).join('');
    this.#buffer = [];
    try {
      appendFileSync(this.#file, text);
    } catch (err) {
      // The history is a convenience (InfluxDB holds the `alert` points): log and go on.
      this.log.error({ err, file: this.#file }, 'alerts history: cannot write');
    }
  }

  /** Transitions with fromMs ≤ time < toMs, oldest first. */
  range(fromMs: number, toMs: number): TransitionPayload[] {
    return this.#entries.filter((e) => e.time_ms >= fromMs && e.time_ms < toMs).slice(-this.limit);
  }
}
