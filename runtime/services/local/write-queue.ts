/** Items handed in during one turn of the event loop, with the promises of the requests that handed them in. */
interface Pending<T> {
  item: T;
  size: number;
  done: () => void;
  fail: (err: unknown) => void;
}

export interface WriteQueueOptions<T> {
  /**
   * Stores all the items in one transaction; resolves once they are committed, rejects if none are.
   * Called again before an earlier call settled: the writer commits in call order (the writer thread
   * folds everything handed to it during its previous commit into the next transaction).
   */
  commit: (items: readonly T[]) => Promise<void>;
  /** Records (summed item sizes) the queue holds at most, waiting or being committed; `isFull` says when a request must wait. */
  maxRecords: number;
}

/**
 * The bounded hand-over from the receivers to the embedded store's writer: what requests hand in
 * during one turn of the event loop goes to the writer together, at the turn's end, without waiting
 * for earlier commits; every request is answered once its own items are committed (an
 * acknowledgement still means stored). The writer groups further: the writer thread commits, in one
 * transaction, everything that reached it while its previous transaction ran, so the next
 * transaction starts the moment the previous one ends, whether or not the event loop is busy
 * decoding a request. One transaction for many requests pays the commit, the write-ahead-log frames
 * of the pages every batch touches (index tails) and the full-text segment once instead of per
 * request; the busier the writer, the larger its transactions.
 *
 * The queue is bounded by records: a caller checks `isFull()` before taking a request on, and answers
 * the client "retry later" instead of holding more in memory than `maxRecords`.
 */
export class WriteQueue<T> {
  private pending: Pending<T>[] = [];
  private queued = 0;
  private scheduled = false;

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
      if (this.scheduled) return;
      this.scheduled = true;
      // After the I/O callbacks of this turn: requests that arrived together go to the writer together.
      setImmediate(() => {
        this.scheduled = false;
        void this.commit();
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
