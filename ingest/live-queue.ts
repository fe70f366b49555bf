/**
 * The live stream (alerts, latest state) runs after the PUBACKs of a group commit, not between them:
 * one fsync completes hundreds of publishes in one tick, and evaluating each one's points before the
 * next PUBACK would hold the whole group's acknowledgements (and the event loop) for as long. Batches
 * are handed on in order, in slices of a few milliseconds, so I/O gets a turn between slices.
 */
import type { Logger } from 'pino';
import type { Point } from './point.ts';

const SLICE_MS = 5;
/** Batches waiting at most; beyond it `push` hands batches on at once (bounded memory under overload). */
const MAX_BACKLOG = 1000;

export class LiveQueue {
  readonly #items: Array<{ points: Point[]; receivedAtMs: number }> = [];
  #head = 0;
  #scheduled = false;

  constructor(
    private readonly consume: (points: Point[], receivedAtMs: number) => void,
    private readonly log: Logger,
  ) {}

  push(points: Point[], receivedAtMs: number): void {
    this.#items.push({ points, receivedAtMs });
    // When the consumers fall behind, ingest slows down to their pace instead of queueing without end.
    while (this.length > MAX_BACKLOG) this.#consumeOne();
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => this.#drain());
    }
  }

  get length(): number {
    return this.#items.length - this.#head;
  }

  #consumeOne(): void {
    const item = this.#items[this.#head++] as { points: Point[]; receivedAtMs: number };
    try {
      this.consume(item.points, item.receivedAtMs);
    } catch (err) {
      this.log.error({ err }, 'live stream consumer failed');
    }
  }

  #drain(): void {
    const until = performance.now() + SLICE_MS;
    while (this.#head < this.#items.length && performance.now() < until) this.#consumeOne();
    if (this.#head >= this.#items.length) {
      this.#items.length = 0;
      this.#head = 0;
      this.#scheduled = false;
      return;
    }
    if (this.#head > 4096) {
      this.#items.splice(0, this.#head);
      this.#head = 0;
    }
    setImmediate(() => this.#drain());
  }
}
