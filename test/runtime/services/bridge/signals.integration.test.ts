import type { Admin, Kafka, Producer } from "kafkajs";
import type { Client } from "@opensearch-project/opensearch";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Incident, IncidentEvent } from "../../../../contracts/records";
import { generateScenario, replayScenario, scoreScenario, toOtlpRequests, toOtlpTraceRequests, type Scenario, type ScenarioSpan } from "../../../../runtime/scenarios";
import { readServersState } from "../../../support/servers";
import { BASE_MS, BridgeProcess, caughtUp, connectClients, createScopeTopics, newScope, produceRaw, readTopic, topicSize, waitFor } from "./harness";

/**
 * One failure seen in both signals makes one incident on the Kafka path too. The bridge runs a
 * pipeline per partition of `raw-logs` (keyed by resource) and of `raw-spans` (keyed by trace id):
 * the logs pipeline finds the failure in its logs ("timed out" errors), a spans pipeline in its
 * spans (slow and failing calls), with different fingerprints. The span pipelines hand their
 * detections to the pipeline that consumes the root cause's logs, which opens the one incident.
 */
const servers = readServersState();
const scope = newScope("signals");
const PARTITIONS = 2;
const RUN_TIMEOUT_MS = 900_000;
const DURATION_MS = 12 * 60_000;
const scenario: Scenario = generateScenario({
  seed: 11,
  failures: ["timeout"],
  startMs: BASE_MS - DURATION_MS,
  durationMs: DURATION_MS,
  warmupMs: 5 * 60_000,
  requestsPerSecond: 8,
});

interface Message {
  key: string;
  value: string;
  atMs: number;
}

/** Log requests as the collector writes them: one per resource (here one per service), keyed by it. */
function logMessages(s: Scenario): Message[] {
  const out: Message[] = [];
  for (const request of toOtlpRequests(s.logs)) {
    for (const rl of request.resourceLogs as { resource: { attributes: { key: string; value: { stringValue?: string } }[] }; scopeLogs: { logRecords: { timeUnixNano: string }[] }[] }[]) {
      const service = rl.resource.attributes.find((a) => a.key === "service.name")?.value.stringValue ?? "";
      out.push({ key: service, value: JSON.stringify({ resourceLogs: [rl] }), atMs: Number(rl.scopeLogs[0].logRecords[0].timeUnixNano.slice(0, -6)) });
    }
  }
  return out;
}

/** Trace requests as `partition_traces_by_id` writes them: each trace whole, keyed by its id, when its last span ends. */
function spanMessages(s: Scenario): Message[] {
  const byTrace = new Map<string, ScenarioSpan[]>();
  for (const span of s.spans) {
    const list = byTrace.get(span.traceId);
    if (list) list.push(span);
    else byTrace.set(span.traceId, [span]);
  }
  return [...byTrace].map(([traceId, spans]) => ({
    key: traceId,
    value: JSON.stringify(toOtlpTraceRequests(spans, Number.MAX_SAFE_INTEGER)[0]),
    atMs: Math.max(...spans.map((x) => x.endMs)),
  }));
}

let clients: Awaited<ReturnType<typeof connectClients>> | undefined;
let kafka: Kafka;
let admin: Admin;
let producer: Producer;
let opensearch: Client;
let bridge: BridgeProcess;

beforeAll(async () => {
  clients = await connectClients(servers);
  ({ kafka, admin, producer, opensearch } = clients);
  await createScopeTopics(admin, scope, PARTITIONS);
  bridge = await BridgeProcess.start(servers, scope);
  // Both topics fill as they would live: minute by minute in event time.
  const logs = logMessages(scenario);
  const spans = spanMessages(scenario).sort((a, b) => a.atMs - b.atMs);
  for (let from = scenario.startMs; from < scenario.endMs; from += 60_000) {
    const inMinute = (m: Message) => m.atMs >= from && m.atMs < from + 60_000;
    await produceRaw(producer, scope.topics.rawLogs, logs.filter(inMinute).map(({ key, value }) => ({ key, value })), 200);
    await produceRaw(producer, scope.topics.rawSpans, spans.filter(inMinute).map(({ key, value }) => ({ key, value })), 200);
  }
  await waitFor(
    async () => (await caughtUp(admin, scope.groupId, scope.topics.rawLogs)) && (await caughtUp(admin, scope.groupId, scope.topics.rawSpans)),
    RUN_TIMEOUT_MS,
    "the bridge to commit every raw-logs and raw-spans offset",
  );
}, RUN_TIMEOUT_MS);

afterAll(async () => {
  await bridge?.stop();
  await clients?.close();
});

describe("a failure in logs and spans through raw-logs and raw-spans (real Kafka, real OpenSearch)", () => {
  it("opens one incident for it, rooted where one pipeline roots it, with the spans' ranked candidates", async () => {
    const failure = scenario.failures[0]!;
    const reference = scoreScenario(scenario, replayScenario(scenario));
    expect(reference.failures[0]).toMatchObject({ detected: true, incidents: 1, rootCauseService: failure.rootCauseService });

    // Windows close on the wall clock once the partitions are caught up: wait for the failure's incident.
    const opened = async (): Promise<Incident[]> => {
      const size = await topicSize(admin, scope.topics.incidents);
      const events = size === 0 ? [] : (await readTopic(kafka, scope.topics.incidents, size)).map((m) => JSON.parse(m.value) as IncidentEvent);
      return events.filter((e) => e.type === "opened").map((e) => e.incident);
    };
    await waitFor(async () => (await opened()).some((i) => i.rootCauseService === failure.rootCauseService), 120_000, "the failure's incident");
    const incidents = await opened();
    const score = scoreScenario(scenario, { opened: incidents, final: incidents, records: 0 });
    expect(score.failures[0]).toMatchObject({ detected: true, incidents: 1, rootCauseService: failure.rootCauseService });
    expect(score.falsePositives).toEqual([]);
    expect(incidents.filter((i) => i.rootCauseService === failure.rootCauseService)).toHaveLength(1);

    // The span evidence reached it: the stored incident ranks candidates from the spans.
    const id = incidents.find((i) => i.rootCauseService === failure.rootCauseService)!.id;
    await waitFor(
      async () => {
        await opensearch.indices.refresh({ index: "logclaw-incidents" });
        const stored = await opensearch.search({ index: "logclaw-incidents", body: { size: 100, query: { term: { tenant: scope.tenantId } } } });
        const incident = stored.body.hits.hits.map((h) => h._source as unknown as Incident).find((i) => i.id === id);
        return (incident?.rootCauseCandidates ?? []).some((c) => c.service === failure.rootCauseService && c.evidence.some((e) => e.signal.startsWith("span")));
      },
      120_000,
      "the incident to carry the spans' candidates",
    );
  }, RUN_TIMEOUT_MS);
});
