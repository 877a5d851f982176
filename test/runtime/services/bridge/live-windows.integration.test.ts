import type { Client } from "@opensearch-project/opensearch";
import type { Admin, Kafka, Producer } from "kafkajs";
import pino from "pino";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Incident, IncidentEvent } from "../../../../contracts/records";
import { pipelineStateSchema } from "../../../../runtime/bridge/pipeline";
import { loadBridgeConfig, startBridge, type RunningBridge } from "../../../../runtime/services/bridge";
import { CheckpointStore } from "../../../../runtime/services/bridge/checkpoints";
import { freePort } from "../../../support/servers/processes";
import { readServersState } from "../../../support/servers";
import { otlp, traffic, type TestLog } from "../../bridge/support";
import { bridgeEnv, caughtUp, createScopeTopics, kafkaFor, newScope, openSearchFor, produceRaw, readTopic, topicSize, waitFor } from "./harness";

const servers = readServersState();
const scope = newScope("live");
const MIN = 60_000;
/** Other suites on the same OpenSearch node search "checkout" without a tenant filter: a name of this suite's own. */
const SERVICE = "live-window-shop";

let kafka: Kafka;
let admin: Admin;
let producer: Producer;
let opensearch: Client;
let bridge: RunningBridge;
let httpPort: number;
/** The bridge's injected wall clock: frozen before the records are produced, moved by the test. */
let wallMs = 0;

// Ten minutes ago: 3 minutes of steady traffic, then 100 errors in 5 s, then nothing.
const START = Math.floor((Date.now() - 10 * MIN) / 1000) * 1000;
const BURST_AT = START + 3 * MIN;
const logs: TestLog[] = [
  ...traffic(SERVICE, START, BURST_AT, 20),
  ...Array.from({ length: 100 }, (_, i) => ({ service: SERVICE, at: BURST_AT + i * 50, severity: 17, body: `request ${i} failed: upstream returned 503` })),
];

/** One Kafka message per second of logs, as the collector batches them. */
function messages(): { key: string; value: string }[] {
  const bySecond = new Map<number, TestLog[]>();
  for (const l of logs) bySecond.set(Math.floor(l.at / 1000), [...(bySecond.get(Math.floor(l.at / 1000)) ?? []), l]);
  return [...bySecond.values()].map((batch) => ({ key: SERVICE, value: otlp(batch) }));
}

async function incidentEvents(): Promise<IncidentEvent[]> {
  const size = await topicSize(admin, scope.topics.incidents);
  if (size === 0) return [];
  return (await readTopic(kafka, scope.topics.incidents, size)).map((m) => JSON.parse(m.value) as IncidentEvent);
}

async function storedIncidents(): Promise<Incident[]> {
  await opensearch.indices.refresh({ index: "logclaw-incidents", ignore_unavailable: true });
  const found = await opensearch.search({ index: "logclaw-incidents", ignore_unavailable: true, body: { query: { term: { tenant: scope.tenantId } } } });
  return found.body.hits.hits.map((h) => h._source as unknown as Incident);
}

async function metric(line: RegExp): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
  const match = text.split("\n").find((l) => line.test(l));
  return match ? Number(match.split(" ").pop()) : Number.NaN;
}

beforeAll(async () => {
  kafka = kafkaFor(servers);
  admin = kafka.admin();
  producer = kafka.producer();
  opensearch = openSearchFor(servers);
  await admin.connect();
  await producer.connect();
  await createScopeTopics(admin, scope, 1);
  httpPort = await freePort();
  // Frozen before anything is produced: no wall time passes after the records' Kafka timestamps until the test moves it.
  wallMs = Date.now() - 1000;
  const config = loadBridgeConfig(bridgeEnv(servers, scope, httpPort));
  bridge = await startBridge(config, pino({ level: "silent" }), new Registry(), { now: () => new Date(wallMs), tickMs: 100 });
  await produceRaw(producer, scope.topics.rawLogs, messages());
  await waitFor(() => caughtUp(admin, scope.groupId, scope.topics.rawLogs), 180_000, "the bridge to commit every offset");
});

afterAll(async () => {
  await bridge?.stop();
  await producer?.disconnect();
  await admin?.disconnect();
  await opensearch?.close();
});

describe("the bridge's live windows (real Kafka and OpenSearch, injected wall clock)", () => {
  it("keeps the burst's window open while the wall clock stands still and no record follows", async () => {
    await new Promise((r) => setTimeout(r, 1000));
    expect((await incidentEvents()).filter((e) => e.type === "opened")).toEqual([]);
  });

  it("opens the incident once the wall clock passes the window's end plus the allowed lateness, with no new traffic", async () => {
    wallMs = Date.now() + 20_000;
    await waitFor(async () => (await storedIncidents()).length > 0, 60_000, "an incident stored by the wall-clock tick");
    const [incident] = await storedIncidents();
    expect(incident.rootCauseService).toBe(SERVICE);
    expect(incident.status).toBe("open");
    expect(Date.parse(incident.detectedAt) - BURST_AT).toBeLessThanOrEqual(10_000);
    const opened = (await incidentEvents()).filter((e) => e.type === "opened");
    expect(opened.map((e) => e.incident.id)).toEqual([incident.id]);
    expect(await metric(/^logclaw_incidents_opened_total\{severity="[a-z]+"\} [1-9]/)).toBe(1);
    expect(await metric(/^logclaw_detection_windows_closed_total /)).toBeGreaterThan(18);
    // Records ten minutes old, processed at the frozen wall clock: detection trailed real time by about that much.
    expect(await metric(new RegExp(`^logclaw_pipeline_lag_seconds\\{pipeline="${scope.topics.rawLogs}/0"\\}`))).toBeGreaterThan(6 * 60);
  });

  it("resolves the incident after the quiet period without new traffic, also after a restart, and keeps the result in its checkpoint", async () => {
    // A deploy while the incident is open and the partition quiet: the new process resumes the wall clock from the checkpoint.
    await bridge.stop();
    bridge = await startBridge(loadBridgeConfig(bridgeEnv(servers, scope, httpPort)), pino({ level: "silent" }), new Registry(), { now: () => new Date(wallMs), tickMs: 100 });
    expect((await storedIncidents()).map((i) => i.status)).toEqual(["open"]);
    wallMs = Date.now() + 5 * MIN;
    await waitFor(async () => (await storedIncidents()).every((i) => i.status === "resolved"), 60_000, "the incident resolved by the wall-clock tick");
    const events = await incidentEvents();
    expect(events.filter((e) => e.type === "resolved")).toHaveLength(1);
    expect(await metric(/^logclaw_incidents_resolved_total\{severity="[a-z]+"\} [1-9]/)).toBe(1);
    // A restart resumes from the checkpoint the tick wrote: nothing open, windows closed through the quiet period.
    const checkpoint = await new CheckpointStore(opensearch, scope.groupId, scope.topics.rawLogs).load(0);
    const state = pipelineStateSchema.parse(checkpoint?.state);
    expect(state.incidents.filter((t) => t.incident.status === "open")).toEqual([]);
    expect(state.closedThrough! * 10_000).toBeGreaterThan(BURST_AT + 3 * MIN);
    expect(checkpoint?.nextOffset).toBe(String(messages().length));
  });

  it("reports the store's size on /metrics", async () => {
    expect(await metric(/^logclaw_log_store_records /)).toBeGreaterThanOrEqual(logs.length);
    expect(await metric(/^logclaw_log_store_bytes /)).toBeGreaterThan(0);
  });
});
