/**
 * The durable outbox (`outbox.jsonl` in the state dir): every delivery a notifier owes, written before
 * it is attempted and marked done after, so delivery is at least once across restarts. Transitions
 * waiting in a grouping window are staged here too. Ids are deterministic, so an entry re-made after a
 * crash is recognised and not sent twice. Lines are appended in batches (`flush`); the file is
 * compacted at load and when it grows.
 */
import { appendFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Notification, TransitionPayload } from './payload.ts';

export interface OutboxEntry {
  /** `${notifier}|${notification.id}` */
  id: string;
  notifier: string;
  notification: Notification;
  createdAtMs: number;
  attempts: number;
  nextAttemptMs: number;
  lastError?: string;
}

/** A transition (or a repeat) waiting in a grouping window. */
export interface StagedItem {
  /** Transition id, or `${transition id}:repeat:${n}`. */
  id: string;
  reason: Notification['reason'];
  payload: TransitionPayload;
  stagedAtMs: number;
}

type Line =
  | { op: 'add'; entry: OutboxEntry }
  | { op: 'done'; id: string }
  | { op: 'drop'; id: string; error: string }
  | { op: 'stage'; item: StagedItem }
  | { op: 'unstage'; ids: string[] };

/** Done ids remembered so that a re-made entry is not sent again. */
const KEEP_DONE = 5000;
const COMPACT_AFTER_LINES = 20_000;

export class Outbox {
  readonly #file: string;
  readonly #log: Logger;
  /** Pending entries per notifier, in order. */
  readonly #queues = new Map<string, OutboxEntry[]>();
  readonly #pendingIds = new Set<string>();
  readonly #done = new Set<string>();
  readonly #staged = new Map<string, StagedItem>();
  #buffer: string[] = [];
  #lines = 0;

  constructor(stateDir: string, log: Logger) {
    this.#file = join(stateDir, 'outbox.jsonl');
    this.#log = log;
  }

  /** Replays the file; a torn last line (a crash mid-write) is skipped. Then compacts. */
  load(): void {
    if (!existsSync(this.#file)) return;
    const text = readFileSync(this.#file, 'utf8');
    for (const raw of text.split('\n')) {
      if (!raw.trim()) continue;
      let line: Line;
      try {
        line = JSON.parse(raw) as Line;
      } catch {
        this.#log.warn({ file: this.#file }, 'outbox: skipping a torn line');
        continue;
      }
      this.#apply(line);
    }
    this.compact();
  }

  #apply(line: Line): void {
    switch (line.op) {
      case 'add': {
        if (this.has(line.entry.id)) return;
        const queue = this.#queues.get(line.entry.notifier) ?? [];
        queue.push(line.entry);
        this.#queues.set(line.entry.notifier, queue);
        this.#pendingIds.add(line.entry.id);
        return;
      }
      case 'done':
      case 'drop':
        this.#remove(line.id);
        this.#done.add(line.id);
        if (this.#done.size > KEEP_DONE) this.#done.delete(this.#done.values().next().value as string);
        return;
      case 'stage':
        this.#staged.set(line.item.id, line.item);
        return;
      case 'unstage':
        for (const id of line.ids) this.#staged.delete(id);
        return;
    }
  }

  #remove(id: string): void {
    if (!this.#pendingIds.delete(id)) return;
    const notifier = id.slice(0, id.indexOf('|'));
    const queue = this.#queues.get(notifier);
    const index = queue?.findIndex((e) => e.id === id) ?? -1;
    if (queue && index >= 0) queue.splice(index, 1);
  }

  #write(line: Line): void {
    this.#apply(line);
    this.#buffer.push(JSON.stringify(line));
  }

  /** Known: pending, or delivered (or dropped) recently. */
  has(id: string): boolean {
    return this.#done.has(id) || this.#pendingIds.has(id);
  }

  /** Queues a delivery; false when that id is already pending or done. */
  add(entry: OutboxEntry): boolean {
    if (this.has(entry.id)) return false;
    this.#write({ op: 'add', entry });
    return true;
  }

  done(id: string): void {
    this.#write({ op: 'done', id });
  }

  drop(id: string, error: string): void {
    this.#write({ op: 'drop', id, error });
  }

  stage(item: StagedItem): void {
    if (!this.#staged.has(item.id)) this.#write({ op: 'stage', item });
  }

  unstage(ids: string[]): void {
    if (ids.length) this.#write({ op: 'unstage', ids });
  }

  staged(): StagedItem[] {
    return [...this.#staged.values()];
  }

  head(notifier: string): OutboxEntry | undefined {
    return this.#queues.get(notifier)?.[0];
  }

  notifiers(): string[] {
    return [...this.#queues.keys()];
  }

  pending(notifier?: string): number {
    if (notifier !== undefined) return this.#queues.get(notifier)?.length ?? 0;
    let n = 0;
    for (const queue of this.#queues.values()) n += queue.length;
    return n;
  }

  /** Appends the buffered lines in one write (the service calls it once per batch of transitions). */
  flush(): void {
    if (this.#buffer.length === 0) return;
    const text = `${this.#buffer.join('\n')}\n`;
    try {
      appendFileSync(this.#file, text);
      this.#lines += this.#buffer.length;
      this.#buffer = [];
      if (this.#lines > COMPACT_AFTER_LINES) this.compact();
    } catch (err) {
      // A full or failing disk must not stop the engine: the lines stay buffered for the next flush.
      this.#log.error({ err, file: this.#file, buffered: this.#buffer.length }, 'outbox: cannot write');
    }
  }

  /** Rewrites the file with what is still owed (atomic: write, then rename); buffered lines are in it. */
  compact(): void {
    const lines: Line[] = [
      ...[...this.#done].map((id): Line => ({ op: 'done', id })),
      ...[...this.#queues.values()].flat().map((entry): Line => ({ op: 'add', entry })),
      ...[...this.#staged.values()].map((item): Line => ({ op: 'stage', item })),
    ];
    this.#buffer = [];
    const tmp = `${this.#file}.tmp`;
    writeFileSync(tmp, lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
    renameSync(tmp, this.#file);
    this.#lines = lines.length;
  }
}
