import { existsSync } from "node:fs";
import { extname, join } from "node:path";
import { Worker, type ResourceLimits } from "node:worker_threads";
import type { LogWriter } from "./log-writer";
import type { LogRows } from "./logs";

export type WriterRequest = { type: "store"; id: number; rowSets: readonly LogRows[] } | { type: "close" };
/** `ids`: the store requests the thread committed (or failed) together in one transaction. */
export type WriterReply = { type: "ready" } | { type: "stored"; ids: number[] } | { type: "failed"; ids: number[]; message: string };

interface Waiting {
  done: () => void;
  fail: (err: Error) => void;
}

/**
 * A log writer on its own thread with its own connection: the event loop hands it rows (plain
 * strings and numbers, copied once) as soon as they are built and is told when their transaction is
 * committed, so an acknowledgement still means stored. The thread commits everything handed to it
 * while its previous transaction ran in the next one (group commit without a round trip through the
 * event loop, which may be busy decoding a request when a commit ends). SQLite serializes it with the main connection's writes
 * (spans, incidents, retention) through the write-ahead log's lock.
 *
 * If the thread dies, every store waiting on it and every later one fails with the reason: the
 * receivers answer an error, so the clients keep what they sent and retry; `onStopped` hears of it
 * (`logclaw start` then stops with exit 1, since it could store no log again).
 */
export interface LogWriterThreadOptions {
  /** Called once if the thread stops other than by `close()`. */
  onStopped?: (reason: Error) => void;
  /** The thread's heap and stack limits (Node's defaults when absent). */
  resourceLimits?: ResourceLimits;
}

export async function openLogWriterThread(dataDir: string, options: LogWriterThreadOptions = {}): Promise<LogWriter> {
  // Compiled (dist/) beside this file as .js; run from the sources under a TypeScript loader, the
  // thread inherits the loader through the default execArgv.
  const entry = join(__dirname, `log-writer.worker${extname(__filename)}`);
  if (!existsSync(entry)) throw new Error(`log writer thread: ${entry} is missing (npm run build)`);
  const worker = new Worker(entry, { workerData: { dataDir }, resourceLimits: options.resourceLimits });
  const waiting = new Map<number, Waiting>();
  let nextId = 0;
  let stopped: Error | null = null;
  let closing = false;

  const stop = (reason: Error): void => {
    if (stopped) return;
    stopped = reason;
    for (const w of waiting.values()) w.fail(reason);
    waiting.clear();
    if (!closing) options.onStopped?.(reason);
  };

  await new Promise<void>((ready, fail) => {
    const onError = (err: Error): void => fail(new Error(`log writer thread could not open the store: ${err.message}`));
    worker.once("error", onError);
    worker.once("message", (reply: WriterReply) => {
      worker.off("error", onError);
      if (reply.type === "ready") ready();
      else fail(new Error(`log writer thread: unexpected first message ${reply.type}`));
    });
  });

  worker.on("message", (reply: WriterReply) => {
    if (reply.type === "ready") return;
    const failure = reply.type === "failed" ? new Error(reply.message) : null;
    for (const id of reply.ids) {
      const w = waiting.get(id);
      if (!w) continue;
      waiting.delete(id);
      if (failure) w.fail(failure);
      else w.done();
    }
  });
  worker.on("error", (err) => stop(new Error(`log writer thread failed: ${err.message}`)));
  const exited = new Promise<void>((resolve) =>
    worker.once("exit", (code) => {
      stop(new Error(closing ? "log writer thread closed" : `log writer thread exited with code ${code}`));
      resolve();
    }),
  );

  return {
    store: (rowSets) =>
      new Promise<void>((done, fail) => {
        if (stopped) return fail(stopped);
        if (closing) return fail(new Error("log writer thread is closing"));
        const id = nextId++;
        waiting.set(id, { done, fail });
        worker.postMessage({ type: "store", id, rowSets } satisfies WriterRequest);
      }),
    close: async () => {
      if (closing) return exited;
      closing = true;
      // Messages are handled in order: the stores already handed in commit before the thread closes.
      worker.postMessage({ type: "close" } satisfies WriterRequest);
      await exited;
    },
  };
}
