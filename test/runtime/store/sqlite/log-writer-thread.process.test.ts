import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { LogDocument, SpanDocument } from "../../../../contracts/records";
import type { LogWriter } from "../../../../runtime/store/sqlite/log-writer";
import type * as WriterThread from "../../../../runtime/store/sqlite/log-writer-thread";
import { openDatabase, type SqliteDatabase } from "../../../../runtime/store/sqlite/database";
import { LOG_MIGRATIONS, logRowsOf, SqliteLogStore } from "../../../../runtime/store/sqlite/logs";
import { SPAN_MIGRATIONS, SqliteSpanStore } from "../../../../runtime/store/sqlite/spans";

// The thread runs the built JavaScript (the process project's global setup builds dist/), as `logclaw start` does.
const { openLogWriterThread } = require(resolve(__dirname, "../../../../dist/runtime/store/sqlite/log-writer-thread.js")) as typeof WriterThread;

function doc(i: number, message = `record ${i}`): LogDocument {
  return {
    id: `r${i}`,
    "@timestamp": new Date(Date.UTC(2026, 0, 1) + i).toISOString(),
    observed_timestamp: null,
    tenant_id: "local",
    service: "checkout",
    service_namespace: null,
    environment: "dev",
    host: null,
    pod: null,
    severity_text: "info",
    severity_number: 9,
    message,
    template_id: "t1",
    template: message,
    trace_id: null,
    span_id: null,
    http_status: null,
    attributes: {},
    resource: { "service.name": "checkout" },
    redacted: false,
  };
}

function span(i: number): SpanDocument {
  return { id: `s${i}`, trace_id: "a".repeat(32), service: "checkout", start_ms: i } as unknown as SpanDocument;
}

describe("log writer thread", () => {
  let dir: string;
  let db: SqliteDatabase;
  let store: SqliteLogStore;
  let writer: LogWriter;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "logclaw-writer-"));
    db = openDatabase(dir, [...LOG_MIGRATIONS, ...SPAN_MIGRATIONS]);
    store = new SqliteLogStore(db);
    writer = await openLogWriterThread(dir);
  });
  afterEach(async () => {
    await writer.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("resolves a store once its rows are committed: the event loop's connection reads them at once", async () => {
    const docs = Array.from({ length: 600 }, (_, i) => doc(i));
    await writer.store([logRowsOf(docs.slice(0, 300), 1), logRowsOf(docs.slice(300), 2)]);
    expect(store.count()).toBe(600);
    expect((await store.search({ q: "record", limit: 1 })).map((d) => d.id)).toEqual(["r599"]);
    expect(db.prepare("SELECT received_ms FROM logs WHERE id = 'r0'").pluck().get()).toBe(1);
  });

  it("stores the last copy of a document handed in by stores in flight together, and keeps the text index whole", async () => {
    const stores = [0, 1, 2, 3].map((round) => writer.store([logRowsOf([doc(1, `copy ${round}`), doc(10 + round)], round)]));
    await Promise.all(stores);
    expect(store.count()).toBe(5);
    expect((await store.search({ ids: ["r1"] })).map((d) => d.message)).toEqual(["copy 3"]);
    // FTS5 compares an external-content index with its table row by row (throws when they differ).
    expect(() => db.prepare("INSERT INTO logs_fts (logs_fts, rank) VALUES ('integrity-check', 1)").run()).not.toThrow();
  });

  it("rejects a store whose transaction failed, with SQLite's reason, stores none of it, and takes the next", async () => {
    const bad = logRowsOf([doc(1), doc(2)], 1);
    bad[bad.length - 2] = null; // the second row's doc column is NOT NULL
    await expect(writer.store([bad])).rejects.toThrow(/NOT NULL constraint failed: logs\.doc/);
    expect(store.count()).toBe(0);
    await writer.store([logRowsOf([doc(3)], 1)]);
    expect(store.count()).toBe(1);
  });

  it("waits for the lock while the event loop's connection writes, instead of failing with 'database is locked'", async () => {
    const spans = new SqliteSpanStore(db);
    const stores: Promise<void>[] = [];
    for (let round = 0; round < 40; round++) {
      stores.push(writer.store([logRowsOf(Array.from({ length: 200 }, (_, i) => doc(round * 200 + i)), 1)]));
      // The other connection commits while the thread is between or inside its transactions.
      spans.indexSync(Array.from({ length: 50 }, (_, i) => span(round * 50 + i)), 1);
      await new Promise((r) => setImmediate(r));
    }
    await Promise.all(stores);
    expect(store.count()).toBe(8000);
  });

  it("tells its owner once when the thread dies, and fails the store it was given and every later one", async () => {
    const stopped: Error[] = [];
    // A heap too small for the store below: the thread runs out of memory while taking it.
    const small = await openLogWriterThread(dir, {
      onStopped: (reason) => stopped.push(reason),
      resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 },
    });
    const huge = logRowsOf(Array.from({ length: 20_000 }, (_, i) => doc(i, `record ${i} ${"x".repeat(4_000)}`)), 1);
    await expect(small.store([huge])).rejects.toThrow(/log writer thread/);
    await expect(small.store([logRowsOf([doc(1)], 1)])).rejects.toThrow(/log writer thread/);
    expect(stopped).toHaveLength(1);
    expect(store.count()).toBe(0);
    await small.close();
    expect(stopped).toHaveLength(1);
  });

  it("refuses stores once closing, after committing those handed in before", async () => {
    const before = writer.store([logRowsOf([doc(1)], 1)]);
    const closed = writer.close();
    await expect(writer.store([logRowsOf([doc(2)], 1)])).rejects.toThrow("log writer thread is closing");
    await before;
    await closed;
    expect(store.count()).toBe(1);
  });
});
