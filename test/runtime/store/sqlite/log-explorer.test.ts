import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { matchesLogQuery, parseLogQuery } from "../../../../runtime/api/log-query";
import { InvalidCursorError, type LogSearch } from "../../../../runtime/ports/stores";
import { openDatabase, type SqliteDatabase } from "../../../../runtime/store/sqlite/database";
import { sqlFilterOf } from "../../../../runtime/store/sqlite/log-search";
import { LOG_MIGRATIONS, SqliteLogStore } from "../../../../runtime/store/sqlite/logs";
import type { LogDocument } from "../../../../contracts/records";
import { makeLog, TENANT } from "../../ticketing/fixtures";

const LEVELS = ["debug", "info", "warn", "error"] as const;
const NUMBERS = { debug: 5, info: 9, warn: 13, error: 17 };

/** 250 records over two services and two tenants, several sharing a timestamp (paging must not skip them). */
function corpus(): LogDocument[] {
  const docs: LogDocument[] = [];
  for (let i = 0; i < 250; i++) {
    const level = LEVELS[i % 4];
    docs.push(
      makeLog(`d${String(i).padStart(3, "0")}`, {
        "@timestamp": new Date(Date.UTC(2026, 10, 22, 3, 0, Math.floor(i / 3))).toISOString(),
        tenant_id: i % 10 === 9 ? "globex" : TENANT,
        service: i % 2 === 0 ? "checkout" : "payments",
        severity_text: level,
        severity_number: NUMBERS[level],
        http_status: i % 5 === 0 ? 503 : 200,
        message: i % 7 === 0 ? `upstream timeout after ${i} ms` : `request ${i} served`,
        attributes: { "http.route": i % 3 === 0 ? "/api/pay" : "/api/cart", attempt: i % 4, "user.tier": i % 2 === 0 ? "gold" : "free" },
        resource: { "k8s.pod.name": `pod-${i % 3}` },
      }),
    );
  }
  return docs;
}

describe("SQLite log exploration", () => {
  let dir: string;
  let db: SqliteDatabase;
  let store: SqliteLogStore;
  let docs: LogDocument[];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "logclaw-explore-"));
    db = openDatabase(dir, LOG_MIGRATIONS);
    store = new SqliteLogStore(db);
    docs = corpus();
    store.indexSync(docs);
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const search = (q: string, extra: Partial<LogSearch> = {}): LogSearch => ({ tenant: TENANT, ...parseLogQuery(q), order: "desc", limit: 1000, ...extra });
  /** The reference answer: the in-memory matcher over the corpus, newest first. */
  const expected = (q: string) =>
    docs
      .filter((d) => d.tenant_id === TENANT && matchesLogQuery(d, parseLogQuery(q)))
      .sort((a, b) => (a["@timestamp"] < b["@timestamp"] ? 1 : a["@timestamp"] > b["@timestamp"] ? -1 : a.id < b.id ? 1 : -1))
      .map((d) => d.id);

  it.each([
    "service:checkout",
    "level>=warn status>=500",
    "http.route:/api/pay -user.tier:gold",
    "attempt>=2 attempt<3",
    "k8s.pod.name:pod-1 timeout",
    '"timeout after"',
    "-timeout level:error",
    "resource.k8s.pod.name:pod-2 attributes.http.route:/api/cart",
    "missing.key:*",
    "http.route:*",
  ])("returns exactly what the query syntax means: %s", async (q) => {
    const page = await store.page(search(q));
    expect(page.logs.map((d) => d.id)).toEqual(expected(q));
    expect(page.total).toBe(expected(q).length);
  });

  it("finds a trace's logs (trace_id:<id>, the dashboard's link) through the trace index, not those of a trace sharing its last characters", async () => {
    const trace = (head: string) => `${head.repeat(24)}0badcafe`;
    const traced = [0, 1, 2, 3].map((i) => makeLog(`t${i}`, { "@timestamp": new Date(Date.UTC(2026, 10, 22, 4, 0, i)).toISOString(), tenant_id: TENANT, trace_id: trace(i % 2 === 0 ? "a" : "b") }));
    store.indexSync(traced);
    docs.push(...traced);
    for (const q of [`trace_id:${trace("a")}`, `-trace_id:${trace("a")} trace_id:*`]) {
      const page = await store.page(search(q, { order: "asc" }));
      expect(page.logs.map((d) => d.id)).toEqual(expected(q).reverse());
    }
    expect((await store.page(search(`trace_id:${trace("a")}`, { order: "asc" }))).logs.map((d) => d.id)).toEqual(["t0", "t2"]);
    // The query plan: the trace index's rows by seq, not a walk of the tenant's (tenant, time) index.
    const filter = sqlFilterOf(search(`trace_id:${trace("a")}`))!;
    const plan = db.prepare(`EXPLAIN QUERY PLAN SELECT logs.doc FROM ${filter.from} WHERE ${filter.where.join(" AND ")} ORDER BY logs.ts_ms, logs.seq`).all(filter.params) as { detail: string }[];
    const steps = plan.map((p) => p.detail).join(" | ");
    expect(steps).toContain("SEARCH logs USING INTEGER PRIMARY KEY (rowid=?)");
    expect(steps).toContain("SCAN logs_trace VIRTUAL TABLE INDEX");
    expect(steps).not.toContain("logs_tenant_ts");
  });

  it("pages with a cursor through every match exactly once, with the total on each page", async () => {
    const all = expected("");
    expect(all.length).toBe(225);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await store.page(search("", { limit: 40, cursor }));
      expect(page.total).toBe(225);
      seen.push(...page.logs.map((d) => d.id));
      cursor = page.nextCursor ?? undefined;
      pages++;
    } while (cursor);
    expect(pages).toBe(6);
    expect(seen).toEqual(all);
  });

  it("pages oldest first with order=asc and refuses a cursor of the other order", async () => {
    const first = await store.page(search("service:payments", { order: "asc", limit: 5 }));
    const second = await store.page(search("service:payments", { order: "asc", limit: 5, cursor: first.nextCursor! }));
    const asc = expected("service:payments").reverse();
    expect([...first.logs, ...second.logs].map((d) => d.id)).toEqual(asc.slice(0, 10));
    await expect(store.page(search("", { cursor: first.nextCursor! }))).rejects.toThrow(InvalidCursorError);
    await expect(store.page(search("", { cursor: "garbage" }))).rejects.toThrow(InvalidCursorError);
  });

  it("gives a record's context: the same service's neighbours in time, not another tenant's", async () => {
    const context = await store.context(TENANT, "d100", 3, 2);
    expect(context?.record.id).toBe("d100");
    const checkout = docs.filter((d) => d.tenant_id === TENANT && d.service === "checkout").map((d) => d.id);
    const at = checkout.indexOf("d100");
    expect(context?.before.map((d) => d.id)).toEqual(checkout.slice(at - 3, at));
    expect(context?.after.map((d) => d.id)).toEqual(checkout.slice(at + 1, at + 3));
    expect(await store.context("globex", "d100", 3, 3)).toBeNull();
    expect(await store.context(TENANT, "nope", 3, 3)).toBeNull();
  });

  it("counts the query's volume per bucket, empty buckets included", async () => {
    const buckets = await store.histogram({ ...search("level:error"), from: "2026-11-22T03:00:00.000Z", to: "2026-11-22T03:01:59.000Z" }, 30_000);
    expect(buckets.map((b) => b.at)).toEqual(["03:00:00", "03:00:30", "03:01:00", "03:01:30"].map((t) => `2026-11-22T${t}.000Z`));
    expect(buckets.reduce((n, b) => n + b.total, 0)).toBe(expected("level:error").length);
    expect(buckets.every((b) => b.errors === b.total)).toBe(true);
    expect(buckets[3].total).toBe(0);
  });
});
