/**
 * Completes a client's publishes in arrival order. aedes handles the packets of one socket read
 * concurrently, but PUBACKs must leave in the order the PUBLISHes came [MQTT-4.6.0-2]; a relayed
 * message that needs no spool must not overtake a data message still waiting for its fsync.
 */

type Done = (err?: Error | null) => void;

interface Slot {
  done: Done;
  finished: boolean;
  err: Error | null;
}

export class OrderedAcks {
  readonly #queue: Slot[] = [];

  /** Reserves the next place in line; call the returned function when this publish is complete. */
  reserve(done: Done): (err?: Error | null) => void {
    const slot: Slot = { done, finished: false, err: null };
    this.#queue.push(slot);
    return (err) => {
      slot.finished = true;
      slot.err = err ?? null;
      this.#release();
    };
  }

  get pending(): number {
    return this.#queue.length;
  }

  #release(): void {
    while (this.#queue.length > 0 && (this.#queue[0] as Slot).finished) {
      const slot = this.#queue.shift() as Slot;
      slot.done(slot.err);
    }
  }
}
