import type { Client } from "@opensearch-project/opensearch";
import type { Admin, Kafka, Producer } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Incident, IncidentEvent } from "../../../../contracts/records";
import { SPAN_INDEX_PATTERN } from "../../../../contracts/opensearch/index-names";
import { OpenSearchSpanStore } from "../../../../runtime/store/opensearch";
import { readServersState } from "../../../support/servers";
import { jitter, request, toProtobuf, toRequest, type SpanSpec } from "../../bridge/span-requests";
import { BASE_MS, connectClients, BridgeProcess, caughtUp, createScopeTopics, newScope, produceRaw, readTopic, topicSize, waitFor } from "./harness";


const servers = readServersState();
const scope = newScope("spans");
let kafka: Kafka;
let admin: Admin;
let producer: Producer;
let opensearch: Client;
let bridge: BridgeProcess;

const WINDOWS = 40;
const REQUESTS_PER_WINDOW = 10;
const SPANS_PER_REQUEST = 5;
const TOTAL_SPANS = WINDOWS * REQUESTS_PER_WINDOW * SPANS_PER_REQUEST;
/** From this 10 s window on, the network in front of `orders` adds ~0.9 s: a latency fault no log names. */
const SLOW_FROM = 30;

/**
 * One OTLP traces request per 10 s window of gateway -> orders -> stock calls, as the collector's Kafka
 * exporter writes them; every fourth one in protobuf (`otlp_proto` is one collector setting away).
 */
function payloads(): { key: string; value: string | Buffer; traceIds: string[] }[] {
  const list = [];
  for (let w = 0; w < WINDOWS; w++) {
    const spans: SpanSpec[] = [];
    for (let r = 0; r < REQUESTS_PER_WINDOW; r++) {
      const i = w * REQUESTS_PER_WINDOW + r;
      const gap = w >= SLOW_FROM ? 900 + 50 * jitter(i) : 3 + jitter(i);
      spans.push(...request(BASE_MS + w * 10_000 + r * 900, gap, 4 + 2 * jitter(i + 7)));
    }
    const value = w % 4 === 3 ? Buffer.from(toProtobuf(spans)) : JSON.stringify(toRequest(spans));
    list.push({ key: `window-${w}`, value, traceIds: [...new Set(spans.map((s) => s.traceId))] });
  }
  return list;
}

const batches = payloads();

let clients: Awaited<ReturnType<typeof connectClients>> | undefined;

beforeAll(async () => {
  clients = await connectClients(servers);
  ({ kafka, admin, producer, opensearch } = clients);
  // One partition: every trace of the fault on one pipeline, as partition_traces_by_id keeps a trace whole.
  await createScopeTopics(admin, scope, 1);
  bridge = await BridgeProcess.start(servers, scope);
  await produceRaw(producer, scope.topics.rawSpans, batches.slice(0, 10).map(({ key, value }) => ({ key, value })));
  await produceRaw(producer, scope.topics.rawSpans, [{ key: "poison", value: '{"resourceSpans": "not a list"}' }]);
  await produceRaw(producer, scope.topics.rawSpans, batches.slice(10).map(({ key, value }) => ({ key, value })));
  await waitFor(() => caughtUp(admin, scope.groupId, scope.topics.rawSpans), 180_000, "the bridge to commit every raw-spans offset");
});

afterAll(async () => {
  await bridge?.stop();
  await clients?.close();
});

async function tenantSpanCount(): Promise<number> {
  await opensearch.indices.refresh({ index: SPAN_INDEX_PATTERN, ignore_unavailable: true, allow_no_indices: true });
  const response = await opensearch.count({ index: SPAN_INDEX_PATTERN, ignore_unavailable: true, allow_no_indices: true, body: { query: { term: { tenant_id: scope.tenantId } } } });
  return response.body.count;
}

describe("spans end to end through raw-spans (real Kafka, real OpenSearch)", () => {
  it("indexes every span once in logclaw-spans-*, JSON and protobuf records alike, each trace readable whole", async () => {
    expect(await tenantSpanCount()).toBe(TOTAL_SPANS);
    const store = new OpenSearchSpanStore(opensearch);
    for (const batch of [batches[0]!, batches[3]!]) {
      const spans = await store.trace(batch.traceIds[0]!);
      expect(spans.map((s) => [s.service, s.name])).toEqual([
        ["gateway", "GET /api"],
        ["gateway", "HTTP GET"],
        ["orders", "/orders"],
        ["orders", "HTTP POST"],
        ["stock", "/stock"],
      ]);
      expect(new Set(spans.map((s) => s.tenant_id))).toEqual(new Set([scope.tenantId]));
    }
  });

  it("opens an incident whose root-cause candidates come from the spans, its exemplar traces stored", async () => {
    const events = (await readTopic(kafka, scope.topics.incidents, await topicSize(admin, scope.topics.incidents))).map((m) => JSON.parse(m.value) as IncidentEvent);
    const opened = events.filter((e) => e.type === "opened");
    expect(opened).toHaveLength(1);
    const incident = opened[0]!.incident;
    expect(incident.tenant).toBe(scope.tenantId);
    expect(incident.rootCauseService).toBe("orders");
    expect(incident.rootCauseCandidates?.[0]?.service).toBe("orders");
    expect(incident.rootCauseCandidates?.[0]?.evidence.length).toBeGreaterThan(0);
    expect(Date.parse(incident.firstSeen)).toBeGreaterThanOrEqual(BASE_MS + SLOW_FROM * 10_000);

    // Stored as its latest event left it (span evidence keeps ranking it while the fault lasts).
    const latest = events.filter((e) => e.incident.id === incident.id).at(-1)!.incident;
    await opensearch.indices.refresh({ index: "logclaw-incidents" });
    const stored = await opensearch.search({ index: "logclaw-incidents", body: { query: { term: { tenant: scope.tenantId } } } });
    const incidents = stored.body.hits.hits.map((h) => h._source as unknown as Incident);
    const kept = incidents.find((i) => i.id === incident.id);
    expect(kept?.rootCauseCandidates).toEqual(latest.rootCauseCandidates);
    expect(kept?.rootCauseService).toBe(kept?.rootCauseCandidates?.[0]?.service);
    expect(kept?.rootCauseCandidates?.map((c) => c.service)).toContain("orders");

    // The exemplars an incident page shows are whole traces in the span store.
    expect(incident.traceIds.length).toBeGreaterThan(0);
    const slowTraces = new Set(batches.slice(SLOW_FROM).flatMap((b) => b.traceIds));
    const exemplar = await new OpenSearchSpanStore(opensearch).trace(incident.traceIds[0]!);
    expect(exemplar).toHaveLength(SPANS_PER_REQUEST);
    expect(slowTraces.has(incident.traceIds[0]!)).toBe(true);
  });

  it("dead-letters an unusable traces record with its reason and source, the partition keeps flowing", async () => {
    expect(await topicSize(admin, scope.topics.deadLetter)).toBe(1);
    const [letter] = await readTopic(kafka, scope.topics.deadLetter, 1);
    const parsed = JSON.parse(letter!.value) as { reason: string; source: string; payload: string };
    expect(parsed.reason).toMatch(/^invalid_structure/);
    expect(parsed.source).toBe(`${scope.topics.rawSpans}/0@10`);
    expect(parsed.payload).toBe('{"resourceSpans": "not a list"}');
  });

  it("counts spans apart from log records and indexes nothing twice on a replay", async () => {
    const metrics = await bridge.metrics();
    expect(metrics).toContain(`logclaw_bridge_spans_accepted_total ${TOTAL_SPANS}`);
    expect(metrics).toContain(`logclaw_bridge_spans_indexed_total ${TOTAL_SPANS}`);
    expect(metrics).toContain("logclaw_bridge_records_accepted_total 0");
    await produceRaw(producer, scope.topics.rawSpans, batches.slice(0, 5).map(({ key, value }) => ({ key, value })));
    await waitFor(() => caughtUp(admin, scope.groupId, scope.topics.rawSpans), 180_000, "the replay to be committed");
    expect(await tenantSpanCount()).toBe(TOTAL_SPANS);
  });
});
