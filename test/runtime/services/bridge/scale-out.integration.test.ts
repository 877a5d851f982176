import type { Client } from "@opensearch-project/opensearch";
import type { Admin, Kafka, Producer } from "kafkajs";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Incident, IncidentEvent } from "../../../../contracts/records";
import { BridgePipeline } from "../../../../runtime/bridge";
import { createTemplateMiner } from "../../../../runtime/bridge/template";
import {
  generateScenario,
  replayScenario,
  scoreScenario,
  summarize,
  toOtlpJsonLines,
  toOtlpRequests,
  type ReplayOutcome,
  type Scenario,
  type ScenarioScore,
} from "../../../../runtime/scenarios";
import { readServersState } from "../../../support/servers";
import {
  BASE_MS,
  BridgeProcess,
  caughtUp,
  countTenantDocs,
  createScopeTopics,
  kafkaFor,
  newScope,
  openSearchFor,
  produceRaw,
  readTopic,
  topicSize,
  waitFor,
  type BridgeScope,
} from "./harness";

/**
 * Scale-out correctness: the tenant's bridge as N members of one consumer group over 6 partitions
 * must find what one member finds (each replica sees only its partitions; window summaries on the
 * context topic give each the rest of the tenant), and a member killed mid-run must cost nothing.
 */
const servers = readServersState();
const PARTITIONS = 6;
const RUN_TIMEOUT_MS = 1_200_000;

/**
 * A labelled scenario (5 failure kinds, benign noise), small enough to stream three times on a loaded
 * 2-core machine: 14 minutes at 8 requests/s, about 44k records. Dated to end an hour before the run,
 * inside the bridge's event-time bounds around each Kafka timestamp.
 */
const DURATION_MS = 14 * 60_000;
const scenario: Scenario = generateScenario({
  seed: 7,
  startMs: BASE_MS - DURATION_MS,
  durationMs: DURATION_MS,
  warmupMs: 4 * 60_000,
  requestsPerSecond: 8,
});

/**
 * Kafka messages as the tenant's collector writes them (`partition_logs_by_resource_attributes`): one
 * OTLP/JSON request per resource, keyed by that resource, so a service's records stay on one
 * partition and in order. The scenario gives each service one resource (one pod), so the key here is
 * the service name.
 */
function messagesOf(s: Scenario): { key: string; value: string }[] {
  const out: { key: string; value: string }[] = [];
  for (const request of toOtlpRequests(s.logs)) {
    for (const rl of request.resourceLogs as { resource: { attributes: { key: string; value: { stringValue?: string } }[] } }[]) {
      const service = rl.resource.attributes.find((a) => a.key === "service.name")?.value.stringValue ?? "";
      out.push({ key: service, value: JSON.stringify({ resourceLogs: [rl] }) });
    }
  }
  return out;
}
const messages = messagesOf(scenario);

/**
 * Documents the scenario makes: its records by distinct document id (the generator emits a few
 * byte-identical records at the same millisecond, which are one document by design).
 */
function distinctDocuments(s: Scenario): number {
  const pipeline = new BridgePipeline({ tenantId: "count", miner: createTemplateMiner() });
  const ids = new Set<string>();
  toOtlpJsonLines(s.logs).forEach((line, i) => {
    for (const d of pipeline.processOtlp(line, "json", `count:${i}`).documents) ids.add(d.id);
  });
  return ids.size;
}
const TOTAL = distinctDocuments(scenario);

let kafka: Kafka;
let admin: Admin;
let producer: Producer;
let opensearch: Client;
const bridges: BridgeProcess[] = [];

beforeAll(async () => {
  kafka = kafkaFor(servers);
  admin = kafka.admin();
  producer = kafka.producer();
  opensearch = openSearchFor(servers);
  await admin.connect();
  await producer.connect();
});

afterEach(async () => {
  const done = bridges.splice(0);
  await Promise.all(done.map((b) => b.stop("SIGKILL")));
  if (process.env.LOGCLAW_TEST_BRIDGE_OUTPUT === "1") for (const b of done) process.stderr.write(b.output.join(""));
});

afterAll(async () => {
  await producer?.disconnect();
  await admin?.disconnect();
  await opensearch?.close();
});

/** Starts `n` bridge processes and waits until the group is stable with all of them as members. */
async function startGroup(scope: BridgeScope, n: number): Promise<BridgeProcess[]> {
  const started = await Promise.all(Array.from({ length: n }, () => BridgeProcess.start(servers, scope)));
  bridges.push(...started);
  await waitFor(
    async () => {
      const { groups } = await admin.describeGroups([scope.groupId]);
      return groups[0]?.state === "Stable" && groups[0].members.length === n;
    },
    120_000,
    `${n} stable members in ${scope.groupId}`,
  );
  return started;
}

/** Incidents of one run: opened events from the incidents topic (first per id), final state from `logclaw-incidents`. */
async function outcomeOf(scope: BridgeScope): Promise<ReplayOutcome> {
  const size = await topicSize(admin, scope.topics.incidents);
  const events = size === 0 ? [] : (await readTopic(kafka, scope.topics.incidents, size)).map((m) => JSON.parse(m.value) as IncidentEvent);
  const opened = new Map<string, Incident>();
  for (const e of events) if (e.type === "opened" && !opened.has(e.incident.id)) opened.set(e.incident.id, e.incident);
  await opensearch.indices.refresh({ index: "logclaw-incidents" });
  const stored = await opensearch.search({
    index: "logclaw-incidents",
    body: { size: 1000, query: { term: { tenant: scope.tenantId } } },
  });
  const final = new Map(stored.body.hits.hits.map((h) => [(h._source as unknown as Incident).id, h._source as unknown as Incident]));
  const first = [...opened.values()].sort((a, b) => Date.parse(a.detectedAt) - Date.parse(b.detectedAt) || (a.id < b.id ? -1 : 1));
  return { opened: first, final: first.map((i) => final.get(i.id) ?? i), records: await countTenantDocs(opensearch, scope.tenantId) };
}

/** What must not change with the number of replicas: per failure, whether and how it was found, and the false positives. */
function figures(score: ScenarioScore, outcome: ReplayOutcome) {
  const summary = summarize([score]);
  return {
    recall: summary.recall,
    rootCauseAccuracy: summary.rootCauseAccuracy,
    incidents: outcome.opened.length,
    falsePositives: score.falsePositives.map((i) => `${i.service}/${i.family}`).sort(),
    failures: score.failures.map((f) => ({
      failure: f.failure.id,
      detected: f.detected,
      incidents: f.incidents,
      rootCause: f.rootCauseService,
    })),
  };
}

interface Run {
  scope: BridgeScope;
  outcome: ReplayOutcome;
  figures: ReturnType<typeof figures>;
}

/** Streams the scenario into a fresh scope with `replicas` bridges; `during` runs once the stream flows (e.g. to kill one). */
async function run(name: string, replicas: number, during?: (group: BridgeProcess[], scope: BridgeScope) => Promise<void>): Promise<Run> {
  const scope = newScope(name);
  await createScopeTopics(admin, scope, PARTITIONS);
  const group = await startGroup(scope, replicas);
  await produceRaw(producer, scope.topics.rawLogs, messages, 200);
  if (during) await during(group, scope);
  await waitFor(() => caughtUp(admin, scope.groupId, scope.topics.rawLogs), RUN_TIMEOUT_MS, `${scope.tenantId} to commit every offset`);
  const outcome = await outcomeOf(scope);
  const result = { scope, outcome, figures: figures(scoreScenario(scenario, outcome), outcome) };
  process.stderr.write(`${JSON.stringify({ run: name, replicas, documents: TOTAL, indexed: outcome.records, ...result.figures })}\n`);
  return result;
}

describe("bridge scale-out: 1 bridge, 3 bridges and a killed replica find what one pipeline finds", () => {
  /** The single-pipeline replay: what detection finds when one pipeline sees every record. */
  let reference: ReturnType<typeof figures>;

  beforeAll(() => {
    // The same input the bridge gets here: the scenario's logs (its spans travel on another topic).
    const replayed = replayScenario({ ...scenario, spans: [] });
    reference = figures(scoreScenario(scenario, replayed), replayed);
    process.stderr.write(`${JSON.stringify({ run: "in-process replay", ...reference })}\n`);
  });

  it("one bridge over 6 partitions (a pipeline per partition): same recall, root causes and incidents; every record indexed once", async () => {
    const single = await run("scale1", 1);
    expect(single.outcome.records).toBe(TOTAL);
    expect(single.figures).toEqual(reference);
  }, RUN_TIMEOUT_MS);

  it("three bridges in one group: the same; nothing lost or doubled", async () => {
    const three = await run("scale3", 3, async (group) => {
      // Every replica took part: each indexed something.
      await waitFor(async () => {
        const indexed = await Promise.all(group.map(async (b) => Number(/logclaw_bridge_documents_indexed_total (\d+)/.exec(await b.metrics())?.[1] ?? 0)));
        return indexed.every((n) => n > 0);
      }, RUN_TIMEOUT_MS, "every replica to index");
    });
    expect(three.outcome.records).toBe(TOTAL);
    expect(three.figures).toEqual(reference);
  }, RUN_TIMEOUT_MS);

  it("a replica killed mid-run: the survivors take its partitions over; the same, nothing lost or doubled", async () => {
    const killed = await run("scalekill", 3, async (group, scope) => {
      await waitFor(async () => (await countTenantDocs(opensearch, scope.tenantId)) >= TOTAL / 3, RUN_TIMEOUT_MS, "a third indexed");
      await group[0]!.stop("SIGKILL");
      expect(await countTenantDocs(opensearch, scope.tenantId)).toBeLessThan(TOTAL);
    });
    expect(killed.outcome.records).toBe(TOTAL);
    expect(killed.figures).toEqual(reference);
  }, RUN_TIMEOUT_MS);
});
