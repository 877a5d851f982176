import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDatabase, type SqliteDatabase } from "../../../../runtime/store/sqlite/database";
import { LOG_MIGRATIONS, logRowsOf, SqliteLogStore, toFtsQuery } from "../../../../runtime/store/sqlite/logs";
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
    // Two requests committed together, as local mode's writer gets them.
    store.storeRowsSync([
      logRowsOf([doc("twice", "2026-01-01T00:00:02Z", "checkout", "error", "first alpha"), doc("fresh", "2026-01-01T00:00:03Z", "checkout", "info", "fresh copy")], 1),
      logRowsOf([doc("twice", "2026-01-01T00:00:02Z", "checkout", "error", "second copy")], 2),
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

  it("tells apart ids and trace ids that share their indexed suffix", async () => {
    const suffix = "deadbeef";
    store.indexSync([
      doc(`a${suffix}`, "2026-01-01T00:00:01Z", "checkout", "error", "one", `${"1".repeat(24)}${suffix}`),
      doc(`b${suffix}`, "2026-01-01T00:00:02Z", "checkout", "error", "two", `${"2".repeat(24)}${suffix}`),
    ]);
    // Stored again: replaced in place, not a third row, and not confused with its suffix twin.
    store.indexSync([doc(`b${suffix}`, "2026-01-01T00:00:02Z", "checkout", "error", "two again", `${"2".repeat(24)}${suffix}`)]);
    expect(store.count()).toBe(2);
    expect((await store.search({ ids: [`a${suffix}`] })).map((d) => d.message)).toEqual(["one"]);
    expect((await store.search({ ids: [`b${suffix}`] })).map((d) => d.message)).toEqual(["two again"]);
    expect((await store.search({ traceIds: [`${"1".repeat(24)}${suffix}`] })).map((d) => d.id)).toEqual([`a${suffix}`]);
    expect((await store.context("local", `a${suffix}`, 5, 5))?.after.map((d) => d.id)).toEqual([`b${suffix}`]);
  });
});

describe("SqliteLogStore upgrade from the logs-004 schema", () => {
  it("keeps every row, its seq and received time, the text index and replace-by-id on a database created before logs-005", async () => {
    const dir = mkdtempSync(join(tmpdir(), "logclaw-logs-upgrade-"));
    try {
      const before = LOG_MIGRATIONS.filter((m) => m.name < "logs-005");
      expect(before.map((m) => m.name)).toEqual(["logs-001-create", "logs-002-received", "logs-003-tenant", "logs-004-fts-per-batch"]);
      // What the previous release wrote: its own upsert (ON CONFLICT on the unique id) and per-batch text index.
      const old = openDatabase(dir, before);
      const upsert = old.prepare(
        `INSERT INTO logs (id, ts_ms, service, severity_text, severity_number, trace_id, message, doc, received_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET message = excluded.message, doc = excluded.doc`,
      );
      const docs = [
        doc("kept", "2026-01-01T00:00:01Z", "checkout", "error", "gateway timeout", "a".repeat(32)),
        doc("other", "2026-01-01T00:00:02Z", "payments", "info", "order placed"),
        doc("gone", "2026-01-01T00:00:03Z", "checkout", "info", "deleted before the upgrade"),
      ];
      for (const [i, d] of docs.entries()) upsert.run(d.id, Date.parse(d["@timestamp"]), d.service, d.severity_text, d.severity_number, d.trace_id, d.message, JSON.stringify(d), 1000 + i);
      old.exec("INSERT INTO logs_fts (rowid, message) SELECT seq, message FROM logs");
      old.prepare("DELETE FROM logs WHERE id = 'gone'").run();
      const seqs = old.prepare("SELECT id, seq, received_ms FROM logs ORDER BY seq").all();
      old.close();

      const db = openDatabase(dir, LOG_MIGRATIONS);
      try {
        const store = new SqliteLogStore(db);
        expect(db.prepare("SELECT id, seq, received_ms FROM logs ORDER BY seq").all()).toEqual(seqs);
        expect(() => db.prepare("INSERT INTO logs_fts (logs_fts, rank) VALUES ('integrity-check', 1)").run()).not.toThrow();
        expect((await store.search({ q: "gateway" })).map((d) => d.id)).toEqual(["kept"]);
        expect(await store.search({ q: "deleted" })).toEqual([]);
        expect((await store.search({ traceIds: ["a".repeat(32)] })).map((d) => d.id)).toEqual(["kept"]);
        expect((await store.page({ tenant: "local", terms: [], filters: [], ids: ["other"], limit: 10, order: "desc" })).logs.map((d) => d.id)).toEqual(["other"]);
        // Stored again after the upgrade: replaced in place (same seq, first received time kept), the text index in step.
        store.indexSync([doc("kept", "2026-01-01T00:00:01Z", "checkout", "error", "upstream reset", "a".repeat(32))], 9999);
        expect(store.count()).toBe(2);
        expect(db.prepare("SELECT seq, received_ms FROM logs WHERE id = 'kept'").get()).toEqual({ seq: (seqs[0] as { seq: number }).seq, received_ms: 1000 });
        expect(await store.search({ q: "gateway" })).toEqual([]);
        expect((await store.search({ q: "upstream" })).map((d) => d.id)).toEqual(["kept"]);
        expect(db.prepare("SELECT name FROM sqlite_master WHERE tbl_name = 'logs' AND type IN ('index', 'trigger') ORDER BY name").pluck().all()).toEqual([
          "logs_fts_delete",
          "logs_fts_update",
          "logs_id_key",
          "logs_received",
          "logs_service_ts",
          "logs_tenant_ts",
          "logs_trace_delete",
          "logs_trace_update",
          "logs_ts",
        ]);
        // Retention after the upgrade: the delete trigger keeps the text index in step (received 1970).
        expect(store.deleteOlderThan("2026-01-01T00:00:00Z")).toBe(2);
        expect(await store.search({ q: "upstream" })).toEqual([]);
        expect(() => db.prepare("INSERT INTO logs_fts (logs_fts, rank) VALUES ('integrity-check', 1)").run()).not.toThrow();
      } finally {
        db.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("SqliteLogStore upgrade from the logs-005 schema", () => {
  it("indexes the stored trace ids, keeps lookups by trace exact, and keeps the trace index in step with replacements and retention", async () => {
    const dir = mkdtempSync(join(tmpdir(), "logclaw-logs-upgrade-"));
    try {
      const before = LOG_MIGRATIONS.filter((m) => m.name < "logs-006");
      expect(before.map((m) => m.name)).toEqual(["logs-001-create", "logs-002-received", "logs-003-tenant", "logs-004-fts-per-batch", "logs-005-suffix-keys"]);
      // What the previous release wrote: its own insert (trace ids in the B-tree suffix index) and per-batch text index.
      const old = openDatabase(dir, before);
      const insert = old.prepare(
        "INSERT INTO logs (id, ts_ms, service, severity_text, severity_number, trace_id, message, doc, received_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
      );
      const suffix = "0badcafe";
      const docs = [
        doc("one", "2026-01-01T00:00:01Z", "checkout", "error", "gateway timeout", `${"1".repeat(24)}${suffix}`),
        doc("twin", "2026-01-01T00:00:02Z", "payments", "info", "order placed", `${"2".repeat(24)}${suffix}`),
        doc("untraced", "2026-01-01T00:00:03Z", "checkout", "info", "no trace"),
        doc("gone", "2026-01-01T00:00:04Z", "checkout", "info", "deleted before the upgrade", `${"3".repeat(24)}${suffix}`),
      ];
      for (const [i, d] of docs.entries()) insert.run(d.id, Date.parse(d["@timestamp"]), d.service, d.severity_text, d.severity_number, d.trace_id, d.message, JSON.stringify(d), 1000 + i);
      old.exec("INSERT INTO logs_fts (rowid, message) SELECT seq, message FROM logs");
      old.prepare("DELETE FROM logs WHERE id = 'gone'").run();
      old.close();

      const db = openDatabase(dir, LOG_MIGRATIONS);
      try {
        const store = new SqliteLogStore(db);
        const integrity = () => {
          db.prepare("INSERT INTO logs_fts (logs_fts, rank) VALUES ('integrity-check', 1)").run();
          db.prepare("INSERT INTO logs_trace (logs_trace, rank) VALUES ('integrity-check', 0)").run();
        };
        expect(integrity).not.toThrow();
        const byTrace = async (...traceIds: string[]) => (await store.search({ traceIds })).map((d) => d.id);
        expect(await byTrace(`${"1".repeat(24)}${suffix}`)).toEqual(["one"]);
        expect(await byTrace(`${"2".repeat(24)}${suffix}`, `${"3".repeat(24)}${suffix}`)).toEqual(["twin"]);
        expect((await store.page({ tenant: "local", terms: [], filters: [{ field: { scope: "doc", name: "trace_id" }, op: "eq", value: `${"2".repeat(24)}${suffix}`, negate: false }], limit: 10, order: "desc" })).logs.map((d) => d.id)).toEqual(["twin"]);
        // Stored again with another trace: the old key leaves the index, the new one enters it.
        store.indexSync([doc("one", "2026-01-01T00:00:01Z", "checkout", "error", "gateway timeout", `${"4".repeat(24)}${suffix}`)], 9999);
        store.indexSync([doc("new", "2026-01-01T00:00:05Z", "checkout", "info", "after the upgrade", `${"1".repeat(24)}${suffix}`)], Date.parse("2026-01-02T00:00:00Z"));
        expect(await byTrace(`${"4".repeat(24)}${suffix}`)).toEqual(["one"]);
        expect(await byTrace(`${"1".repeat(24)}${suffix}`)).toEqual(["new"]);
        expect(integrity).not.toThrow();
        // Retention (received 1970 for the old rows): the delete trigger takes their keys out.
        expect(store.deleteOlderThan("2026-01-01T00:00:00Z")).toBe(3);
        expect(await byTrace(`${"2".repeat(24)}${suffix}`, `${"4".repeat(24)}${suffix}`)).toEqual([]);
        expect(await byTrace(`${"1".repeat(24)}${suffix}`)).toEqual(["new"]);
        expect(integrity).not.toThrow();
      } finally {
        db.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
