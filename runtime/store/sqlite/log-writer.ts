import type { LogRows, SqliteLogStore } from "./logs";

/**
 * Where local mode's log rows are committed: on the event loop's own connection (`inlineLogWriter`)
 * or on a writer thread (`log-writer-thread.ts`), so the SQLite work of one batch runs while the
 * next requests are decoded and detected.
 */
export interface LogWriter {
  /**
   * Stores the row sets in one transaction (the writer thread's may also hold other stores handed in
   * meanwhile); resolves once it is committed, rejects if none of it is.
   */
  store(rowSets: readonly LogRows[]): Promise<void>;
  /** Stops taking rows once the stores handed in are settled; releases the thread and its connection. */
  close(): Promise<void>;
}

/** Opens the writer for the store in `dataDir` (already migrated by the caller). */
export type LogWriterOpener = (dataDir: string, store: SqliteLogStore) => Promise<LogWriter>;

/** Commits on the caller's connection, blocking the event loop for the transaction. */
export function inlineLogWriter(store: SqliteLogStore): LogWriter {
  return {
    store: async (rowSets) => store.storeRowsSync(rowSets),
    close: async () => undefined,
  };
}
