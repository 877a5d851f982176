/** Items waiting for one commit, with the promises of the requests that handed them in. */
interface Pending<T> {
  item: T;
  size: number;
  done: () => void;
  fail: (err: unknown) => void;
}

export interface WriteQueueOptions<T> {
  /** Stores all the items in one transaction; returns once they are committed, throws if none are. */
  commit: (items: readonly T[]) => void;
  /** Records (summed item sizes) the queue holds at most; `isFull` says when a request must wait. */
  maxRecords: number;
}

/**
 * Group commit for the embedded store: what requests hand in while the event loop is busy with
 * other requests is committed together in one transaction at the next turn of the loop, and every
 * request is answered once its own items are committed (so an acknowledgement still means stored).
 * One transaction for many requests pays the commit, the write-ahead-log frames of the pages every
 * batch touches (index tails) and the full-text segment once instead of per request.
 *
 * The queue is bounded by records: a caller checks `isFull()` before taking a request on, and answers
 * the client "retry later" instead of holding more in memory than `maxRecords`.
 */
export class WriteQueue<T> {
  private pending: Pending<T>[] = [];
  private queued = 0;
  private scheduled = false;

  constructor(private readonly options: WriteQueueOptions<T>) {}

  /** Records waiting for a commit. */
  get records(): number {
    return this.queued;
  }

  isFull(): boolean {
    return this.queued >= this.options.maxRecords;
  }

  /** Resolves once `item` is committed; rejects (and nothing of it is stored) if its transaction failed. */
  write(item: T, size: number): Promise<void> {
    return new Promise((done, fail) => {
      this.pending.push({ item, size, done, fail });
      this.queued += size;
      if (!this.scheduled) {
        this.scheduled = true;
        // After the I/O callbacks of this turn: requests that arrived together share the commit.
        setImmediate(() => this.commit());
      }
    });
  }

  private commit(): void {
    const batch = this.pending;
    this.pending = [];
    this.queued = 0;
    this.scheduled = false;
    try {
      this.options.commit(batch.map((p) => p.item));
    } catch (err) {
      for (const p of batch) p.fail(err);
      return;
    }
    for (const p of batch) p.done();
  }
}
