/** Items waiting for one commit, with the promises of the requests that handed them in. */
interface Pending<T> {
  item: T;
  size: number;
  done: () => void;
  fail: (err: unknown) => void;
}

export interface WriteQueueOptions<T> {
  /** Stores all the items in one transaction; resolves once they are committed, rejects if none are. */
  commit: (items: readonly T[]) => Promise<void>;
  /** Records (summed item sizes) the queue holds at most, waiting or being committed; `isFull` says when a request must wait. */
  maxRecords: number;
}

/**
 * Group commit for the embedded store: one commit at a time, and what requests hand in meanwhile is
 * committed together in the next transaction, started at the turn of the event loop after the
 * previous one ends (so requests that arrive together share it). Every request is answered once its
 * own items are committed (an acknowledgement still means stored). One transaction for many
 * requests pays the commit, the write-ahead-log frames of the pages every batch touches (index
 * tails) and the full-text segment once instead of per request; the busier the writer, the larger
 * its transactions.
 *
 * The queue is bounded by records: a caller checks `isFull()` before taking a request on, and answers
 * the client "retry later" instead of holding more in memory than `maxRecords`.
 */
export class WriteQueue<T> {
  private pending: Pending<T>[] = [];
  private queued = 0;
  private scheduled = false;
  private committing: Promise<void> | null = null;

  constructor(private readonly options: WriteQueueOptions<T>) {}

  /** Records waiting for a commit or being committed. */
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
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.committing) return;
    this.scheduled = true;
    // After the I/O callbacks of this turn: requests that arrived together share the commit.
    setImmediate(() => {
      this.scheduled = false;
      this.committing = this.commit().finally(() => {
        this.committing = null;
        if (this.pending.length > 0) this.schedule();
      });
    });
  }

  private async commit(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    try {
      await this.options.commit(batch.map((p) => p.item));
    } catch (err) {
      for (const p of batch) p.fail(err);
      return;
    } finally {
      for (const p of batch) this.queued -= p.size;
    }
    for (const p of batch) p.done();
  }
}
