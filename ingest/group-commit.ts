/**
 * Group commit, the spool's pattern (ingest/spool.ts) as a reusable piece: items added while one
 * write + fdatasync is in flight form the next group, so a busy hub syncs once per group, not per
 * message. Callbacks run strictly in the order items were added. `commit` receives a whole group and
 * must either make all of it durable or throw (having left nothing partial behind).
 */

export type CommitDone = (err: Error | null) => void;

interface Group<T> {
  items: T[];
  callbacks: CommitDone[];
}

export class GroupCommit<T> {
  #group: Group<T> = { items: [], callbacks: [] };
  #writing = false;
  #scheduled = false;
  #idleWaiters: Array<() => void> = [];
  /** Groups committed (each one write + fdatasync). */
  commits = 0;

  constructor(
    private readonly commit: (items: T[]) => Promise<void>,
    private readonly onCallbackError: (err: unknown) => void = () => {},
  ) {}

  add(item: T, done: CommitDone): void {
    this.#group.items.push(item);
    this.#group.callbacks.push(done);
    if (!this.#writing && !this.#scheduled) {
      this.#scheduled = true;
      // setImmediate, not nextTick: every add of this I/O phase joins the group.
      setImmediate(this.#run);
    }
  }

  /** Items added and not yet committed (or failed). */
  get pending(): number {
    return this.#group.items.length + (this.#writing ? 1 : 0);
  }

  /** Resolves once every item added so far has been committed or failed. */
  idle(): Promise<void> {
    if (!this.#writing && !this.#scheduled && this.#group.items.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  #run = (): void => {
    this.#scheduled = false;
    if (this.#writing) return;
    const group = this.#group;
    if (group.items.length === 0) {
      for (const wake of this.#idleWaiters.splice(0)) wake();
      return;
    }
    this.#group = { items: [], callbacks: [] };
    this.#writing = true;
    void this.#commitGroup(group);
  };

  async #commitGroup(group: Group<T>): Promise<void> {
    let err: Error | null = null;
    try {
      await this.commit(group.items);
      this.commits++;
    } catch (e) {
      err = e instanceof Error ? e : new Error(String(e));
    }
    this.#writing = false;
    for (const done of group.callbacks) {
      try {
        done(err);
      } catch (cbErr) {
        this.onCallbackError(cbErr);
      }
    }
    this.#run();
  }
}
