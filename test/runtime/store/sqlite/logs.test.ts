import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDatabase, type SqliteDatabase } from "../../../../runtime/store/sqlite/database";
import { LOG_MIGRATIONS, SqliteLogStore, toFtsQuery } from "../../../../runtime/store/sqlite/logs";
import type { LogDocument, SeverityText } from "../../../../contracts/records";

function doc(id: string, at: string, service: string, severity: SeverityText, message: string, traceId: string | null = null): LogDocument {
  return {
    id,
    "@timestamp": at,
    observed_timestamp: null,
    tenant_id: "local",
    service,
    service_namespace: null,
    environment: "dev",
    host: null,
    pod: null,
    severity_text: severity,
    severity_number: { trace: 1, debug: 5, info: 9, warn: 13, error: 17, fatal: 21 }[severity],
    message,
    template_id: "t1",
    template: message,
    trace_id: traceId,
    span_id: null,
    http_status: null,
    attributes: { "http.route": "/checkout" },
    resource: { "service.name": service },
    redacted: false,
  };
}

describe("SqliteLogStore", () => {
  let dir: string;
  let db: SqliteDatabase;
  let store: SqliteLogStore;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "logclaw-logs-"));
    db = openDatabase(dir, LOG_MIGRATIONS);
    store = new SqliteLogStore(db);
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("finds documents by full text, newest first, with the whole document back", async () => {
    store.indexSync([
      doc("a", "2026-01-01T00:00:01Z", "checkout", "error", "payment gateway timeout after 3000ms"),
      doc("b", "2026-01-01T00:00:03Z", "payments", "error", "Payment declined for order 42"),
      doc("c", "2026-01-01T00:00:02Z", "checkout", "info", "order placed"),
    ]);
    const hits = await store.search({ q: "payment" });
    expect(hits.map((d) => d.id)).toEqual(["b", "a"]);
    expect(hits[1]).toEqual(doc("a", "2026-01-01T00:00:01Z", "checkout", "error", "payment gateway timeout after 3000ms"));
    expect((await store.search({ q: "gateway time" })).map((d) => d.id)).toEqual(["a"]);
  });

  it("filters by service, severity, time range, trace ids and ids", async () => {
    store.indexSync([
      doc("a", "2026-01-01T00:00:01Z", "checkout", "error", "boom", "0".repeat(31) + "1"),
      doc("b", "2026-01-01T00:00:02Z", "payments", "error", "boom"),
      doc("c", "2026-01-01T00:00:03Z", "checkout", "info", "boom"),
      doc("d", "2026-01-01T00:00:04Z", "checkout", "error", "boom"),
    ]);
    expect((await store.search({ service: "checkout", severity: "error" })).map((d) => d.id)).toEqual(["d", "a"]);
    expect((await store.search({ from: "2026-01-01T00:00:02Z", to: "2026-01-01T00:00:03Z" })).map((d) => d.id)).toEqual(["c", "b"]);
    expect((await store.search({ traceIds: ["0".repeat(31) + "1"] })).map((d) => d.id)).toEqual(["a"]);
    expect((await store.search({ ids: ["b", "c"] })).map((d) => d.id)).toEqual(["c", "b"]);
    expect(await store.search({ ids: [] })).toEqual([]);
    expect((await store.search({ limit: 2 })).map((d) => d.id)).toEqual(["d", "c"]);
  });

  it("is idempotent by id and keeps the text index in step with replacements", async () => {
    store.indexSync([doc("a", "2026-01-01T00:00:01Z", "checkout", "error", "first text")]);
    store.indexSync([doc("a", "2026-01-01T00:00:01Z", "checkout", "error", "second text")]);
    expect(store.count()).toBe(1);
    expect(await store.search({ q: "alpha" })).toEqual([]);
    expect((await store.search({ q: "second" })).map((d) => d.id)).toEqual(["a"]);
  });

  it("keeps the text index whole when one transaction holds two copies of a document", async () => {
    store.indexBatchesSync([
      { docs: [doc("twice", "2026-01-01T00:00:02Z", "checkout", "error", "first alpha"), doc("fresh", "2026-01-01T00:00:03Z", "checkout", "info", "fresh copy")], receivedMs: 1 },
      { docs: [doc("twice", "2026-01-01T00:00:02Z", "checkout", "error", "second copy")], receivedMs: 2 },
    ]);
    // FTS5 compares an external-content index with its table row by row (throws when they differ).
    expect(() => db.prepare("INSERT INTO logs_fts (logs_fts, rank) VALUES ('integrity-check', 1)").run()).not.toThrow();
    expect(store.count()).toBe(2);
    expect((await store.search({ q: "copy" })).map((d) => [d.id, d.message])).toEqual([
      ["fresh", "fresh copy"],
      ["twice", "second copy"],
    ]);
    expect(await store.search({ q: "alpha" })).toEqual([]);
  });

  it("never fails on user punctuation or FTS operators", async () => {
    store.indexSync([doc("a", "2026-01-01T00:00:01Z", "checkout", "error", "NOT found: \"quoted\" (x) AND y*")]);
    expect((await store.search({ q: 'NOT "quoted" (x' })).map((d) => d.id)).toEqual(["a"]);
    expect(await store.search({ q: "***" })).toEqual([]);
    expect(toFtsQuery('a"b c')).toBe('"a"* AND "b"* AND "c"*');
  });

  it("deletes by retention cutoff and the text index forgets deleted rows", async () => {
    store.indexSync([
      doc("old", "2026-01-01T00:00:00Z", "checkout", "error", "ancient failure"),
      doc("new", "2026-01-09T00:00:00Z", "checkout", "error", "recent failure"),
    ]);
    expect(store.deleteOlderThan("2026-01-02T00:00:00Z")).toBe(1);
    expect((await store.search({ q: "failure" })).map((d) => d.id)).toEqual(["new"]);
  });

  it("counts totals and errors per service and per bucket", async () => {
    store.indexSync([
      doc("a", "2026-01-01T00:00:01Z", "checkout", "error", "x"),
      doc("b", "2026-01-01T00:00:02Z", "checkout", "info", "x"),
      doc("c", "2026-01-01T00:01:02Z", "checkout", "fatal", "x"),
      doc("d", "2026-01-01T00:00:02Z", "payments", "warn", "x"),
    ]);
    expect(store.serviceStats("2026-01-01T00:00:00Z", "2026-01-01T01:00:00Z")).toEqual([
      { service: "checkout", total: 3, errors: 2, warnings: 0, lastSeen: "2026-01-01T00:01:02.000Z" },
      { service: "payments", total: 1, errors: 0, warnings: 1, lastSeen: "2026-01-01T00:00:02.000Z" },
    ]);
    expect(store.serviceBuckets("2026-01-01T00:00:00Z", "2026-01-01T01:00:00Z", 60_000).filter((b) => b.service === "checkout")).toEqual([
      { service: "checkout", at: "2026-01-01T00:00:00.000Z", total: 2, errors: 1 },
      { service: "checkout", at: "2026-01-01T00:01:00.000Z", total: 1, errors: 1 },
    ]);
  });

  it("rejects a malformed time filter with a message naming it", async () => {
    await expect(store.search({ from: "yesterday" })).rejects.toThrow("log query: from is not an ISO-8601 time: yesterday");
  });
});
