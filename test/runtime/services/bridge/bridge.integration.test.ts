import type { Client } from "@opensearch-project/opensearch";
import type { Admin, Kafka, Producer } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Incident, IncidentEvent, LogDocument } from "../../../../contracts/records";
import { logIndexName } from "../../../../contracts/opensearch/index-names";
import { OpenSearchLogStore } from "../../../../runtime/store/opensearch";
import { readServersState } from "../../../support/servers";
import {
  BASE_MS,
  connectClients,
  BridgeProcess,
  caughtUp,
  countTenantDocs,
  createScopeTopics,
  newScope,
  otlpJsonBatch,
  produceRaw,
  readTopic,
  topicSize,
  traceIdOf,
  waitFor,
} from "./harness";

const servers = readServersState();
const scope = newScope("e2e");
let kafka: Kafka;
let admin: Admin;
let producer: Producer;
let opensearch: Client;
let bridge: BridgeProcess;

const SERVICES = ["checkout", "payments", "inventory"];
const BATCHES_PER_SERVICE = 8;
const RECORDS_PER_BATCH = 50;

/** Every service's batches, plus an out-of-memory burst in payments (an immediate incident). */
function payloads(): { key: string; value: string }[] {
  const list: { key: string; value: string }[] = [];
  let next = 0;
  for (let b = 0; b < BATCHES_PER_SERVICE; b += 1) {
    for (const service of SERVICES) {
      list.push({ key: service, value: otlpJsonBatch({ service, first: next, count: RECORDS_PER_BATCH }) });
      next += RECORDS_PER_BATCH;
    }
  }
  list.push({
    key: "payments",
    value: otlpJsonBatch({
      service: "payments",
      first: next,
      count: 5,
      severity: () => "ERROR",
      message: (i) => `java.lang.OutOfMemoryError: Java heap space while charging order ${i}`,
    }),
  });
  return list;
}

const batches = payloads();
const TOTAL = SERVICES.length * BATCHES_PER_SERVICE * RECORDS_PER_BATCH + 5;

let clients: Awaited<ReturnType<typeof connectClients>> | undefined;

beforeAll(async () => {
  clients = await connectClients(servers);
  ({ kafka, admin, producer, opensearch } = clients);
  await createScopeTopics(admin, scope, 3);
  bridge = await BridgeProcess.start(servers, scope);
  const half = Math.floor(batches.length / 2);
  await produceRaw(producer, scope.topics.rawLogs, batches.slice(0, half));
  // A poison message in the middle of checkout's partition: dead-lettered, the partition keeps flowing.
  await produceRaw(producer, scope.topics.rawLogs, [{ key: "checkout", value: "{not otlp at all" }]);
  await produceRaw(producer, scope.topics.rawLogs, batches.slice(half));
  await waitFor(() => caughtUp(admin, scope.groupId, scope.topics.rawLogs), 180_000, "the bridge to commit every offset");
});

afterAll(async () => {
  await bridge?.stop();
  await clients?.close();
});

describe("logclaw bridge end to end (real Kafka, real OpenSearch)", () => {
  it("indexes every record exactly once, searchable by message, service, template and trace id", async () => {
    expect(await countTenantDocs(opensearch, scope.tenantId)).toBe(TOTAL);
    const store = new OpenSearchLogStore(opensearch);
    const byMessage = await store.search({ q: "request 123 served" });
    expect(byMessage.filter((d) => d.tenant_id === scope.tenantId).map((d) => d.message)).toEqual([
      "request 123 served in 26 ms for user u6",
    ]);
    const doc = byMessage.find((d) => d.tenant_id === scope.tenantId) as LogDocument;
    expect(doc["@timestamp"]).toBe(new Date(BASE_MS + 1230).toISOString());
    expect(doc.trace_id).toBe(traceIdOf(123));

    const byTrace = await store.search({ traceIds: [traceIdOf(123)] });
    expect(byTrace.filter((d) => d.tenant_id === scope.tenantId).map((d) => d.id)).toEqual([doc.id]);

    const count = async (query: Record<string, unknown>) =>
      (
        await opensearch.count({
          index: logIndexName(doc["@timestamp"]),
          body: { query: { bool: { filter: [{ term: { tenant_id: scope.tenantId } }, query] } } },
        })
      ).body.count;
    expect(await count({ term: { service: "inventory" } })).toBe(BATCHES_PER_SERVICE * RECORDS_PER_BATCH);
    expect(await count({ term: { template_id: doc.template_id } })).toBeGreaterThan(100);
    expect(await count({ match: { template: "served" } })).toBeGreaterThan(100);
  });

  it("publishes enriched logs and the incident, and stores the incident", async () => {
    expect(await topicSize(admin, scope.topics.enrichedLogs)).toBe(TOTAL);
    const events = (await readTopic(kafka, scope.topics.incidents, 1)).map((m) => JSON.parse(m.value) as IncidentEvent);
    const opened = events.find((e) => e.type === "opened");
    expect(opened?.incident.service).toBe("payments");
    expect(opened?.incident.family).toBe("oom");
    await opensearch.indices.refresh({ index: "logclaw-incidents" });
    const stored = await opensearch.search({
      index: "logclaw-incidents",
      body: { query: { term: { tenant: scope.tenantId } } },
    });
    const incidents = stored.body.hits.hits.map((h) => h._source as unknown as Incident);
    expect(incidents.map((i) => i.id)).toContain(opened?.incident.id);
    expect(incidents.find((i) => i.id === opened?.incident.id)?.family).toBe("oom");
  });

  it("sends the poison message to dead-letter with its reason and source", async () => {
    expect(await topicSize(admin, scope.topics.deadLetter)).toBe(1);
    const [letter] = await readTopic(kafka, scope.topics.deadLetter, 1);
    const parsed = JSON.parse(letter!.value) as { reason: string; source: string; payload: string };
    expect(parsed.reason).toMatch(/^invalid_json/);
    expect(parsed.source).toMatch(new RegExp(`^${scope.topics.rawLogs}/\\d+@\\d+$`));
    expect(parsed.payload).toBe("{not otlp at all");
  });

  it("creates no duplicates when the same batches are replayed", async () => {
    await produceRaw(producer, scope.topics.rawLogs, batches);
    await waitFor(() => caughtUp(admin, scope.groupId, scope.topics.rawLogs), 180_000, "the replay to be committed");
    expect(await countTenantDocs(opensearch, scope.tenantId)).toBe(TOTAL);
  });

  it("exposes health, readiness and metrics, and drains on SIGTERM", async () => {
    expect(await bridge.probe("/healthz")).toBe(200);
    const metrics = await bridge.metrics();
    expect(metrics).toMatch(/logclaw_bridge_documents_indexed_total \d+/);
    expect(metrics).toContain('logclaw_bridge_dead_letters_total{reason="invalid_json"} 1');
    expect(await bridge.stop("SIGTERM")).toBe(0);
  });

  it("restarts from its checkpoint: the same failure later updates the open incident, it does not open another", async () => {
    bridge = await BridgeProcess.start(servers, scope);
    const more = otlpJsonBatch({
      service: "payments",
      first: TOTAL + 1000,
      count: 5,
      severity: () => "ERROR",
      message: (i) => `java.lang.OutOfMemoryError: Java heap space while charging order ${i}`,
    });
    await produceRaw(producer, scope.topics.rawLogs, [{ key: "payments", value: more }]);
    await waitFor(() => caughtUp(admin, scope.groupId, scope.topics.rawLogs), 180_000, "the new batch to be committed");
    const events = (await readTopic(kafka, scope.topics.incidents, await topicSize(admin, scope.topics.incidents))).map(
      (m) => JSON.parse(m.value) as IncidentEvent,
    );
    const oom = events.filter((e) => e.incident.family === "oom");
    expect(oom.filter((e) => e.type === "opened")).toHaveLength(1);
    expect(new Set(oom.map((e) => e.incident.id)).size).toBe(1);
    expect(await countTenantDocs(opensearch, scope.tenantId)).toBe(TOTAL + 5);
  });
});
