import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createOpenSearchClient,
  ensureIndexLifecycle,
  ensureWorkflowIndex,
  OpenSearchIncidentStore,
  OpenSearchLogStore,
  OpenSearchSpanStore,
  OpenSearchWorkflowStore,
} from "../../../../runtime/store/opensearch";
import { parseLogQuery } from "../../../../runtime/api/log-query";
import type { LogSearch } from "../../../../runtime/ports/stores";
import type { Incident, LogDocument, SpanDocument } from "../../../../contracts/records";
import { readServersState } from "../../../support/servers";
import { DEFAULT_BACKOFF, writeLogDocuments, writeSpanDocuments } from "../../../../runtime/sinks";

/** Writes documents the way the bridge does (its log sink) and insists nothing was refused. */
async function indexOnce(documents: LogDocument[]): Promise<void> {
  const written = await writeLogDocuments(client, documents, { maxDocsPerRequest: 2000, backoff: DEFAULT_BACKOFF, onRetry: () => undefined });
  expect(written.rejected).toEqual([]);
}

const state = readServersState();
const client = createOpenSearchClient({ url: state.opensearch.url });

function doc(i: number, overrides: Partial<LogDocument> = {}): LogDocument {
  return {
    id: `store-test-${i}`,
    "@timestamp": new Date(Date.UTC(2026, 10, 20, 10, 0, i)).toISOString(),
    observed_timestamp: null,
    tenant_id: "acme",
    service: i % 2 === 0 ? "checkout" : "payments",
    service_namespace: null,
    environment: "dev",
    host: "node-1",
    pod: null,
    severity_text: i % 3 === 0 ? "error" : "info",
    severity_number: i % 3 === 0 ? 17 : 9,
    message: `order ${i} failed: connection refused by db-${i}`,
    template_id: "t1",
    template: "order <*> failed: connection refused by <*>",
    trace_id: i.toString(16).padStart(32, "0"),
    span_id: null,
    http_status: i % 3 === 0 ? 503 : null,
    attributes: { "http.method": "POST", "http.status_code": 503, "user.id": `u${i}` },
    resource: { "service.name": "checkout", "k8s.pod.name": `pod-${i}` },
    redacted: false,
    ...overrides,
  };
}

function incident(id: string, detectedAt: string): Incident {
  return {
    id,
    fingerprint: `fp-${id}`,
    tenant: "acme",
    service: "checkout",
    rootCauseService: "db",
    affectedServices: ["checkout"],
    severity: "high",
    score: 0.8,
    path: "immediate",
    signals: [{ name: "connection", weight: 0.5, phrase: "connection refused" }],
    firstSeen: detectedAt,
    detectedAt,
    lastSeen: detectedAt,
    traceIds: [],
    sampleLogIds: ["store-test-0"],
    timeline: [],
    status: "open",
    title: "checkout: connection refused",
    family: "connection",
    templateId: "t1",
    template: "order <*> failed",
    occurrences: 1,
    resolvedAt: null,
  };
}

beforeAll(async () => {
  await ensureIndexLifecycle(client, { retentionDays: 7, replicas: 0, shards: 1 });
});

afterAll(async () => {
  await client.close();
});

describe("index lifecycle", () => {
  it("is idempotent and reports the missing ISM plugin of the test node", async () => {
    const again = await ensureIndexLifecycle(client, { retentionDays: 7, replicas: 0, shards: 1 });
    expect(again).toEqual({
      template: "put",
      incidentsIndex: "exists",
      stateIndex: "exists",
      retentionPolicy: "unavailable",
      spanTemplate: "put",
      spanRetentionPolicy: "unavailable",
    });
  });

  it("gives new daily indices the explicit mappings", async () => {
    await indexOnce([doc(100, { "@timestamp": "2026-11-19T08:00:00Z", id: "mapping-probe" })]);
    const mapping = await client.indices.getMapping({ index: "logclaw-logs-2026.11.19" });
    const props = (mapping.body["logclaw-logs-2026.11.19"]?.mappings.properties ?? {}) as Record<string, { type?: string }>;
    expect(props["attributes"]?.type).toBe("flat_object");
    expect(props["message"]?.type).toBe("text");
    expect(props["trace_id"]?.type).toBe("keyword");
    expect(props["@timestamp"]?.type).toBe("date");
  });
});

describe("OpenSearchSpanStore", () => {
  const traceId = "f".repeat(32);
  const span = (i: number, parent: string | null): SpanDocument => ({
    id: `${traceId}-${i.toString(16).padStart(16, "0")}`,
    "@timestamp": "2026-11-21T09:00:00.000Z",
    tenant_id: "acme",
    service: i === 0 ? "gateway" : "orders",
    trace_id: traceId,
    span_id: i.toString(16).padStart(16, "0"),
    parent_span_id: parent,
    name: `op ${i}`,
    kind: i === 0 ? "server" : "client",
    start_ms: Date.UTC(2026, 10, 21, 9) - 100 + i + 0.25,
    end_ms: Date.UTC(2026, 10, 21, 9),
    duration_ms: 100 - i - 0.25,
    status: i === 2 ? "error" : "unset",
    status_message: i === 2 ? "declined" : "",
    peer: i === 1 ? "payments" : null,
    attributes: { "http.route": "/orders", "http.status_code": 200 },
    resource: { "service.name": i === 0 ? "gateway" : "orders" },
  });
  const spans = [span(2, "0000000000000001"), span(0, null), span(1, "0000000000000000")];

  it("indexes spans into their daily index with the explicit mapping, once per id, and reads a trace earliest first", async () => {
    for (let round = 0; round < 2; round++) {
      const written = await writeSpanDocuments(client, spans, { maxDocsPerRequest: 2000, backoff: DEFAULT_BACKOFF, onRetry: () => undefined });
      expect(written).toEqual({ indexed: 3, rejected: [] });
    }
    await client.indices.refresh({ index: "logclaw-spans-*" });
    expect((await client.count({ index: "logclaw-spans-2026.11.21" })).body.count).toBe(3);
    const mapping = await client.indices.getMapping({ index: "logclaw-spans-2026.11.21" });
    const props = (mapping.body["logclaw-spans-2026.11.21"]?.mappings.properties ?? {}) as Record<string, { type?: string }>;
    expect([props["trace_id"]?.type, props["start_ms"]?.type, props["attributes"]?.type, props["@timestamp"]?.type]).toEqual(["keyword", "double", "flat_object", "date"]);
    const trace = await new OpenSearchSpanStore(client).trace(traceId);
    expect(trace.map((s) => s.name)).toEqual(["op 0", "op 1", "op 2"]);
    expect(trace[0]).toEqual(spans[1]);
    expect(await new OpenSearchSpanStore(client).trace("e".repeat(32))).toEqual([]);
  });
});

describe("OpenSearchLogStore", () => {
  const docs = Array.from({ length: 30 }, (_, i) => doc(i));

  beforeAll(async () => {
    await indexOnce(docs);
    await indexOnce(docs);
    await client.indices.refresh({ index: "logclaw-logs-*" });
  });

  it("keeps one document per id when the same documents are indexed twice", async () => {
    const count = await client.count({ index: "logclaw-logs-2026.11.20" });
    expect(count.body.count).toBe(30);
  });

  it("finds documents by message, service, severity, trace id and time, newest first", async () => {
    const store = new OpenSearchLogStore(client);
    const byMessage = await store.search({ q: "db-7" });
    expect(byMessage.map((d) => d.id)).toEqual(["store-test-7"]);
    expect(byMessage[0]).toEqual(docs[7]);

    const errors = await store.search({ service: "checkout", severity: "error" });
    expect(errors.map((d) => d.id)).toEqual(["store-test-24", "store-test-18", "store-test-12", "store-test-6", "store-test-0"]);

    const byTrace = await store.search({ traceIds: [docs[3]!.trace_id!, docs[4]!.trace_id!] });
    expect(byTrace.map((d) => d.id)).toEqual(["store-test-4", "store-test-3"]);

    const window = await store.search({ from: docs[10]!["@timestamp"], to: docs[12]!["@timestamp"], limit: 2 });
    expect(window.map((d) => d.id)).toEqual(["store-test-12", "store-test-11"]);
  });
});

describe("OpenSearch log exploration", () => {
  // The node is shared with other suites: every search is bounded to this suite's minute.
  const bounds = { from: "2026-11-20T10:00:00.000Z", to: "2026-11-20T10:00:59.000Z" };
  const search = (q: string, extra: Partial<LogSearch> = {}): LogSearch => ({ tenant: "acme", ...parseLogQuery(q), order: "desc", limit: 100, ...bounds, ...extra });

  it("filters on fields, dotted attribute and resource keys, numbers, presence and negation, with the total", async () => {
    const store = new OpenSearchLogStore(client);
    const ids = async (q: string) => (await store.page(search(q))).logs.map((d) => d.id);
    expect(await ids("user.id:u7")).toEqual(["store-test-7"]);
    expect(await ids("resource.k8s.pod.name:pod-12")).toEqual(["store-test-12"]);
    const errors = await store.page(search("service:checkout level>=error status>=500"));
    expect(errors.logs.map((d) => d.id)).toEqual(["store-test-24", "store-test-18", "store-test-12", "store-test-6", "store-test-0"]);
    expect(errors.total).toBe(5);
    expect((await store.page(search("-service:checkout http_status:* refused"))).total).toBe(5);
    expect(await ids('"connection refused by db-2" order')).toEqual(["store-test-29", "store-test-28", "store-test-27", "store-test-26", "store-test-25", "store-test-24", "store-test-23", "store-test-22", "store-test-21", "store-test-20", "store-test-2"]);
    expect((await store.page(search("user.id:u7", { tenant: "globex" }))).total).toBe(0);
  });

  it("pages with search_after through every match exactly once", async () => {
    const store = new OpenSearchLogStore(client);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.page(search("", { limit: 7, cursor }));
      expect(page.total).toBe(30);
      seen.push(...page.logs.map((d) => d.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(Array.from({ length: 30 }, (_, i) => `store-test-${29 - i}`));
  });

  it("gives a record's context in its service and the query's volume per bucket", async () => {
    const store = new OpenSearchLogStore(client);
    const context = await store.context("acme", "store-test-10", 2, 2);
    expect(context?.before.map((d) => d.id)).toEqual(["store-test-6", "store-test-8"]);
    expect(context?.after.map((d) => d.id)).toEqual(["store-test-12", "store-test-14"]);
    expect(await store.context("globex", "store-test-10", 2, 2)).toBeNull();
    const buckets = await store.histogram({ ...search(""), from: "2026-11-20T10:00:00.000Z", to: "2026-11-20T10:00:29.000Z" }, 10_000);
    expect(buckets.map((b) => [b.total, b.errors])).toEqual([
      [10, 4],
      [10, 3],
      [10, 3],
    ]);
  });
});

describe("OpenSearchWorkflowStore", () => {
  it("saves, reads and lists verdicts per tenant", async () => {
    await ensureWorkflowIndex(client);
    await ensureWorkflowIndex(client);
    const store = new OpenSearchWorkflowStore(client);
    const base = { fingerprint: "fp", acknowledgedAt: null, acknowledgedBy: null, assignee: null, snoozedUntil: null, verdictReason: null, verdictAt: null, notes: [], history: [], dismissed: null, updatedAt: "2026-11-20T10:00:00.000Z" };
    await store.save({ ...base, incidentId: "wf-1", tenant: "wf-tenant", verdict: "not_an_incident", dismissed: { peakErrors: 20, services: ["gw"] } });
    await store.save({ ...base, incidentId: "wf-2", tenant: "wf-tenant", verdict: null, assignee: "ana" });
    await store.save({ ...base, incidentId: "wf-1", tenant: "wf-other", verdict: "confirmed" });
    expect((await store.get("wf-tenant", "wf-2"))?.assignee).toBe("ana");
    expect(await store.get("wf-tenant", "missing")).toBeNull();
    expect((await store.many("wf-tenant", ["wf-1", "wf-2", "nope"])).map((w) => w.incidentId).sort()).toEqual(["wf-1", "wf-2"]);
    expect((await store.withVerdict("wf-tenant")).map((w) => [w.incidentId, w.verdict])).toEqual([["wf-1", "not_an_incident"]]);
  });
});

describe("OpenSearchIncidentStore", () => {
  it("upserts by id and lists newest detection first", async () => {
    // The index is shared with other suites on the same node: a time range nobody else uses.
    const store = new OpenSearchIncidentStore(client);
    await store.upsert(incident("inc-a", "2031-01-01T10:00:00.000Z"));
    await store.upsert(incident("inc-b", "2031-01-01T11:00:00.000Z"));
    await store.upsertMany([{ ...incident("inc-a", "2031-01-01T10:00:00.000Z"), occurrences: 3 }]);
    await client.indices.refresh({ index: "logclaw-incidents" });

    expect((await store.get("inc-a"))?.occurrences).toBe(3);
    expect(await store.get("missing")).toBeNull();
    const listed = await store.list({ since: "2031-01-01T00:00:00Z" });
    expect(listed.map((i) => i.id)).toEqual(["inc-b", "inc-a"]);
    expect((await store.list({ since: "2031-01-01T10:30:00Z" })).map((i) => i.id)).toEqual(["inc-b"]);
  });
});
