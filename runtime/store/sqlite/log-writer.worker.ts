import { parentPort, workerData } from "node:worker_threads";
import { openDatabase } from "./database";
import { SqliteLogStore, type LogRows } from "./logs";
import type { WriterReply, WriterRequest } from "./log-writer-thread";

/**
 * The writer thread's entry: its own connection to the store (migrated by the main thread before it
 * starts), one transaction per request, a reply once it is committed or failed.
 */
const port = parentPort;
if (!port) throw new Error("log-writer.worker: must run as a worker thread");
const db = openDatabase((workerData as { dataDir: string }).dataDir, []);
const store = new SqliteLogStore(db);

port.on("message", (request: WriterRequest) => {
  if (request.type === "close") {
    db.close();
    port.close();
    return;
  }
  let reply: WriterReply;
  try {
    store.storeRowsSync(request.rowSets as LogRows[]);
    reply = { type: "stored", id: request.id };
  } catch (err) {
    reply = { type: "failed", id: request.id, message: err instanceof Error ? err.message : String(err) };
  }
  port.postMessage(reply);
});
port.postMessage({ type: "ready" } satisfies WriterReply);
