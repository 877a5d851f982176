import { Writable } from "node:stream";
import type { Client } from "@opensearch-project/opensearch";
import type { Admin, Kafka, Producer } from "kafkajs";
import pino from "pino";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Incident, IncidentEvent } from "../../../../contracts/records";
import { applyWorkflowAction, emptyWorkflow, parseBody } from "../../../../runtime/api/workflow";
import { loadBridgeConfig, startBridge, type RunningBridge } from "../../../../runtime/services/bridge";
import { ensureWorkflowIndex, OpenSearchWorkflowStore } from "../../../../runtime/store/opensearch";
import { freePort } from "../../../support/servers/processes";
import { readServersState } from "../../../support/servers";
import { otlp, traffic, type TestLog } from "../../bridge/support";
import { bridgeEnv, caughtUp, connectClients, createScopeTopics, newScope, produceRaw, readTopic, topicSize, waitFor, type BridgeScope } from "./harness";

const servers = readServersState();
const MIN = 60_000;
/** A name of this suite's own: other suites on the same OpenSearch node search shared service names. */
const SERVICE = "verdict-login-gateway";

// An hour ago: 45 minutes of steady traffic; expected 401 bursts at +4 and +35 minutes (a benign
// pattern a person dismisses), the same shape as test/runtime/bridge/feedback.test.ts.
const START = Math.floor((Date.now() - 60 * MIN) / 1000) * 1000;
const CUT = START + 8 * MIN;
const burst = (from: number) => traffic(SERVICE, from, from + MIN, 20, { errorEvery: 4, errorBody: (i) => `login failed for user u${i}: invalid credentials (401)` });
const logs: TestLog[] = [...traffic(SERVICE, START, START + 45 * MIN, 20), ...burst(START + 4 * MIN), ...burst(START + 35 * MIN)];

/** One Kafka message per second of logs, as the collector batches them. */
function messages(part: readonly TestLog[]): { key: string; value: string }[] {
  const bySecond = new Map<number, TestLog[]>();
  for (const l of [...part].sort((a, b) => a.at - b.at)) bySecond.set(Math.floor(l.at / 1000), [...(bySecond.get(Math.floor(l.at / 1000)) ?? []), l]);
  return [...bySecond.values()].map((batch) => ({ key: SERVICE, value: otlp(batch) }));
}

/** A bridge on its own tenant and topics, with its log lines kept for the test to wait on. */
interface Lane {
  scope: BridgeScope;
  bridge: RunningBridge;
  lines: string[];
}

let kafka: Kafka;
let admin: Admin;
let producer: Producer;
let opensearch: Client;
let clients: Awaited<ReturnType<typeof connectClients>>;
/** Frozen before anything is produced: windows close on event time alone, as on a replay. */
const wallMs = Date.now() - 1000;
const lanes: Lane[] = [];

async function startLane(name: string): Promise<Lane> {
  const scope = newScope(name);
  await createScopeTopics(admin, scope, 1);
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
      done();
    },
  });
  const config = loadBridgeConfig(bridgeEnv(servers, scope, await freePort()));
  const bridge = await startBridge(config, pino({ level: "info" }, sink), new Registry(), { now: () => new Date(wallMs), tickMs: 100, verdictRefreshMs: 100 });
  const lane = { scope, bridge, lines };
  lanes.push(lane);
  return lane;
}

async function opened(lane: Lane): Promise<Incident[]> {
  const size = await topicSize(admin, lane.scope.topics.incidents);
  if (size === 0) return [];
  const events = (await readTopic(kafka, lane.scope.topics.incidents, size)).map((m) => JSON.parse(m.value) as IncidentEvent);
  return events.filter((e) => e.type === "opened").map((e) => e.incident);
}

/** The incident as last published: its peak errors and services are what the person saw. */
async function lastState(lane: Lane, id: string): Promise<Incident> {
  const size = await topicSize(admin, lane.scope.topics.incidents);
  const events = (await readTopic(kafka, lane.scope.topics.incidents, size)).map((m) => JSON.parse(m.value) as IncidentEvent);
  return events.filter((e) => e.incident.id === id).at(-1)!.incident;
}

async function replay(lane: Lane, part: readonly TestLog[]): Promise<void> {
  await produceRaw(producer, lane.scope.topics.rawLogs, messages(part));
  await waitFor(() => caughtUp(admin, lane.scope.groupId, lane.scope.topics.rawLogs), 240_000, `the ${lane.scope.tenantId} bridge to commit every offset`);
}

beforeAll(async () => {
  clients = await connectClients(servers);
  ({ kafka, admin, producer, opensearch } = clients);
  await ensureWorkflowIndex(opensearch);
});

afterAll(async () => {
  for (const lane of lanes) await lane.bridge.stop();
  await clients?.close();
});

describe("'not an incident' verdicts in the Kafka bridge (real Kafka and OpenSearch)", () => {
  it("a verdict written to logclaw-incident-workflow keeps the same fingerprint closed on replayed traffic; without it the traffic opens again", async () => {
    const dismissed = await startLane("verdict");
    const control = await startLane("no-verdict");
    const first = logs.filter((l) => l.at < CUT);
    await Promise.all([replay(dismissed, first), replay(control, first)]);
    await waitFor(async () => (await opened(dismissed)).length > 0 && (await opened(control)).length > 0, 60_000, "the first burst's incident in both lanes");
    const [incident] = await opened(dismissed);
    expect(incident.rootCauseService).toBe(SERVICE);
    // The fingerprint hashes the tenant in: the same incident in both lanes is the same root, family and template.
    const shape = (i: Incident) => ({ root: i.rootCauseService, family: i.family, template: i.templateId });
    expect((await opened(control)).map(shape)).toEqual([shape(incident)]);

    // What the ticketing agent's API stores on "not an incident", for the dismissed lane only.
    const seen = await lastState(dismissed, incident.id);
    const at = new Date().toISOString();
    const verdict = applyWorkflowAction(emptyWorkflow(seen, at), seen, "not_an_incident", parseBody("not_an_incident", { reason: "expected 401s from a credential-stuffing probe" }), at);
    // The whole burst's peak (a full window of 401s), even when the incident opened on a partial window.
    expect(verdict.dismissed?.peakErrors).toBe(50);
    await new OpenSearchWorkflowStore(opensearch).save(verdict);
    // The running replica picks it up on its next refresh (no restart).
    await waitFor(() => dismissed.lines.some((l) => l.includes("applied incident verdicts")), 30_000, "the bridge to read the verdict");

    const second = logs.filter((l) => l.at >= CUT);
    await Promise.all([replay(dismissed, second), replay(control, second)]);
    await waitFor(async () => (await opened(control)).length >= 2, 60_000, "the control lane to open the second burst");
    const reopened = await opened(control);
    expect(reopened).toHaveLength(2);
    expect(new Set(reopened.map((i) => i.fingerprint)).size).toBe(1);
    // Both lanes processed the same records through the same windows: only the verdict differs.
    expect((await opened(dismissed)).map((i) => i.id)).toEqual([incident.id]);
    expect(dismissed.lines.some((l) => l.includes("could not read incident verdicts"))).toBe(false);
  });
});
