import { parentPort, workerData } from "node:worker_threads";
import { openDatabase } from "./database";
import { SqliteLogStore, type LogRows } from "./logs";
import type { WriterReply, WriterRequest } from "./log-writer-thread";

/**
 * The writer thread's entry: its own connection to the store (migrated by the main thread before it
 * starts). Store requests that arrive while a transaction runs wait in the port's queue; the next
 * turn takes them all and commits them in one transaction, then replies once for all of them.
 */
const port = parentPort;
if (!port) throw new Error("log-writer.worker: must run as a worker thread");
const replies = port;
const db = openDatabase((workerData as { dataDir: string }).dataDir, []);
const store = new SqliteLogStore(db);
let pending: { id: number; rowSets: readonly LogRows[] }[] = [];
let scheduled = false;

function commitPending(): void {
  scheduled = false;
  const batch = pending;
  pending = [];
  if (batch.length === 0) return;
  const ids = batch.map((b) => b.id);
  let reply: WriterReply;
  try {
    store.storeRowsSync(batch.flatMap((b) => b.rowSets));
    reply = { type: "stored", ids };
  } catch (err) {
    reply = { type: "failed", ids, message: err instanceof Error ? err.message : String(err) };
  }
  replies.postMessage(reply);
}

port.on("message", (request: WriterRequest) => {
  if (request.type === "close") {
    // Messages are handled in order: what was handed in before the close commits first.
    commitPending();
    db.close();
    port.close();
    return;
  }
  pending.push({ id: request.id, rowSets: request.rowSets });
  if (scheduled) return;
  scheduled = true;
  // After this turn's messages: everything queued while the last transaction ran commits together.
  setImmediate(commitPending);
});
port.postMessage({ type: "ready" } satisfies WriterReply);
