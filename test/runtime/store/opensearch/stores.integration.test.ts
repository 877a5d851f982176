import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createOpenSearchClient,
  ensureIndexLifecycle,
  OpenSearchIncidentStore,
  OpenSearchLogStore,
} from "../../../../runtime/store/opensearch";
import type { Incident, LogDocument } from "../../../../contracts/records";
import { readServersState } from "../../../support/servers";
import { DEFAULT_BACKOFF, writeLogDocuments } from "../../../../runtime/sinks";

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
    expect(again).toEqual({ template: "put", incidentsIndex: "exists", stateIndex: "exists", retentionPolicy: "unavailable" });
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
