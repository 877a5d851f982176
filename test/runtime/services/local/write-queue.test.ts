import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { Registry } from "prom-client";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BridgePipeline } from "../../../../runtime/bridge";
import { createTemplateMiner } from "../../../../runtime/bridge/template";
import { ReceiverOverloadedError } from "../../../../runtime/receivers/otlp";
import { LocalIngest } from "../../../../runtime/services/local/ingest";
import { WriteQueue } from "../../../../runtime/services/local/write-queue";
import { openDatabase, type SqliteDatabase } from "../../../../runtime/store/sqlite/database";
import { INCIDENT_MIGRATIONS, SqliteIncidentStore } from "../../../../runtime/store/sqlite/incidents";
import { inlineLogWriter } from "../../../../runtime/store/sqlite/log-writer";
import { LOG_MIGRATIONS, SqliteLogStore } from "../../../../runtime/store/sqlite/logs";
import { SPAN_MIGRATIONS, SqliteSpanStore } from "../../../../runtime/store/sqlite/spans";
import { otlp, traffic, T0 } from "../../bridge/support";

describe("WriteQueue", () => {
  it("commits what is handed in during one turn of the event loop together, and answers each writer after the commit", async () => {
    const commits: number[][] = [];
    const queue = new WriteQueue<number[]>({
      commit: async (items) => {
        commits.push(items.flat());
      },
      maxRecords: 10,
    });
    const first = queue.write([1, 2], 2);
    const second = queue.write([3], 1);
    expect(queue.records).toBe(3);
    expect(commits).toEqual([]);
    await Promise.all([first, second]);
    expect(commits).toEqual([[1, 2, 3]]);
    expect(queue.records).toBe(0);
    await queue.write([4], 1);
    expect(commits).toEqual([[1, 2, 3], [4]]);
  });

  it("is full at its bound of records", () => {
    const queue = new WriteQueue<string>({ commit: async () => undefined, maxRecords: 3 });
    void queue.write("a", 2);
    expect(queue.isFull()).toBe(false);
    void queue.write("b", 1);
    expect(queue.isFull()).toBe(true);
  });

  it("fails every writer of a commit that failed, and commits the next ones", async () => {
    let fail = true;
    const stored: string[] = [];
    const queue = new WriteQueue<string>({
      commit: async (items) => {
        if (fail) throw new Error("disk I/O error");
        stored.push(...items);
      },
      maxRecords: 10,
    });
    const results = await Promise.allSettled([queue.write("a", 1), queue.write("b", 1)]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    fail = false;
    await queue.write("c", 1);
    expect(stored).toEqual(["c"]);
  });

  it("hands a later turn's items to the writer while an earlier commit is in flight; records count against the bound until their commit ends", async () => {
    const commits: string[][] = [];
    let release: () => void = () => undefined;
    const queue = new WriteQueue<string>({
      commit: (items) => {
        commits.push([...items]);
        // The first commit is held until released; later ones settle at once.
        return commits.length === 1 ? new Promise<void>((r) => (release = r)) : Promise.resolve();
      },
      maxRecords: 4,
    });
    const first = queue.write("a", 2);
    await new Promise((r) => setImmediate(r));
    expect(commits).toEqual([["a"]]);
    const later = [queue.write("b", 1), queue.write("c", 1)];
    expect(queue.records).toBe(4);
    expect(queue.isFull()).toBe(true);
    await Promise.all(later);
    // The writer (the writer thread) orders and groups them; the queue does not wait.
    expect(commits).toEqual([["a"], ["b", "c"]]);
    expect(queue.records).toBe(2);
    release();
    await first;
    expect(queue.records).toBe(0);
  });
});

describe("LocalIngest backpressure", () => {
  let dir: string;
  let db: SqliteDatabase;
  let logs: SqliteLogStore;
  let pipeline: BridgePipeline;
  let ingest: LocalIngest;
  const wallMs = T0 + 10 * 60_000;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "logclaw-ingest-"));
    db = openDatabase(dir, [...LOG_MIGRATIONS, ...SPAN_MIGRATIONS, ...INCIDENT_MIGRATIONS]);
    logs = new SqliteLogStore(db);
    pipeline = new BridgePipeline({ tenantId: "local", miner: createTemplateMiner() });
    ingest = new LocalIngest({
      pipeline,
      logWriter: inlineLogWriter(logs),
      spans: new SqliteSpanStore(db),
      incidents: new SqliteIncidentStore(db),
      deadLetterFile: join(dir, "dead-letter.jsonl"),
      onDocuments: () => undefined,
      onIncidentEvent: () => undefined,
      registry: new Registry(),
      logger: pino({ level: "silent" }),
      now: () => new Date(wallMs),
      storeSize: () => ({ records: 0, bytes: 0 }),
      // One request of 100 records fills it.
      maxQueuedRecords: 100,
      retryAfterSeconds: 2,
    });
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("refuses a request with a retry delay while the queue is full, before detection sees it, and stores it when retried", async () => {
    const first = otlp(traffic("checkout", T0, T0 + 10_000, 10));
    const second = otlp(traffic("payments", T0, T0 + 10_000, 10));
    const payload = (text: string) => Buffer.from(text);
    // Both arrive in one turn of the event loop: the first fills the queue before its commit.
    const [a, b] = await Promise.allSettled([ingest.export("logs", payload(first), "json", "test"), ingest.export("logs", payload(second), "json", "test")]);
    expect(a).toEqual({ status: "fulfilled", value: { accepted: 100, rejected: 0 } });
    expect(b.status).toBe("rejected");
    const refusal = (b as PromiseRejectedResult).reason as ReceiverOverloadedError;
    expect(refusal).toBeInstanceOf(ReceiverOverloadedError);
    expect(refusal.retryAfterSeconds).toBe(2);
    // Acknowledged means committed: the first request's records are stored, the refused one's are not.
    expect(logs.count()).toBe(100);
    expect((await logs.search({ service: "payments" })).length).toBe(0);
    // Detection never saw the refused records, so the retry is counted once.
    expect(ingest.totals.documents).toBe(100);

    expect(await ingest.export("logs", payload(second), "json", "test")).toEqual({ accepted: 100, rejected: 0 });
    expect(logs.count()).toBe(200);
    expect((await logs.search({ service: "payments", limit: 1000 })).length).toBe(100);
  });
});
