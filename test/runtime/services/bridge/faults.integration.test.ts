import type { Client } from "@opensearch-project/opensearch";
import type { Admin, Kafka, Producer } from "kafkajs";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  readServersState,
  restartKafkaServer,
  restartOpenSearchServer,
  stopKafkaServer,
  stopOpenSearchServer,
  type ServersState,
} from "../../../support/servers";
import {
  BridgeProcess,
  caughtUp,
  countTenantDocs,
  createScopeTopics,
  kafkaFor,
  newScope,
  openSearchFor,
  otlpJsonBatch,
  produceRaw,
  waitFor,
  type BridgeScope,
} from "./harness";

/**
 * Each fault ends with an exact count: every produced record indexed once, none lost, none doubled.
 * The counts are printed for the closing note.
 */
let servers: ServersState = readServersState();
/** Generous: JVM restarts on a shared two-core machine take minutes under load; nothing waits on a clock. */
const FAULT_TIMEOUT_MS = 900_000;
let kafka: Kafka;
let admin: Admin;
let producer: Producer;
let opensearch: Client;
const bridges: BridgeProcess[] = [];

function batchesFor(services: string[], batchesPerService: number, recordsPerBatch: number, first = 0) {
  const list: { key: string; value: string }[] = [];
  let next = first;
  for (let b = 0; b < batchesPerService; b += 1) {
    for (const service of services) {
      list.push({ key: service, value: otlpJsonBatch({ service, first: next, count: recordsPerBatch }) });
      next += recordsPerBatch;
    }
  }
  return { list, records: next - first, next };
}

async function start(scope: BridgeScope, extra: Record<string, string> = {}): Promise<BridgeProcess> {
  const bridge = await BridgeProcess.start(servers, scope, extra);
  bridges.push(bridge);
  return bridge;
}

async function connectClients(): Promise<void> {
  kafka = kafkaFor(servers);
  admin = kafka.admin();
  producer = kafka.producer();
  await admin.connect();
  await producer.connect();
}

async function settle(scope: BridgeScope, timeoutMs = 480_000): Promise<void> {
  await waitFor(() => caughtUp(admin, scope.groupId, scope.topics.rawLogs), timeoutMs, `${scope.tenantId} to commit every offset`);
}

function report(fault: string, produced: number, indexed: number): void {
  process.stderr.write(`${JSON.stringify({ fault, produced, indexed })}\n`);
}

beforeAll(async () => {
  opensearch = openSearchFor(servers);
  await connectClients();
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

describe("bridge faults end with an exact count", () => {
  it("SIGKILL mid-batch, then restart: nothing lost, nothing doubled", async () => {
    const scope = newScope("kill");
    await createScopeTopics(admin, scope, 2);
    const { list, records } = batchesFor(["api", "db"], 120, 40);
    await produceRaw(producer, scope.topics.rawLogs, list, 40);
    const first = await start(scope, { LOGCLAW_BRIDGE_BATCH_MAX_MESSAGES: "10" });
    await waitFor(async () => (await countTenantDocs(opensearch, scope.tenantId)) >= records / 4, 120_000, "a quarter indexed");
    await first.stop("SIGKILL");
    const atKill = await countTenantDocs(opensearch, scope.tenantId);
    expect(atKill).toBeLessThan(records);
    await start(scope, { LOGCLAW_BRIDGE_BATCH_MAX_MESSAGES: "10" });
    await settle(scope);
    const indexed = await countTenantDocs(opensearch, scope.tenantId);
    report("sigkill", records, indexed);
    expect(indexed).toBe(records);
  }, FAULT_TIMEOUT_MS);

  it("OpenSearch unavailable for a while: the bridge retries, then indexes everything once", async () => {
    const scope = newScope("osdown");
    await createScopeTopics(admin, scope, 2);
    const before = batchesFor(["api", "db"], 20, 40);
    const during = batchesFor(["api", "db"], 20, 40, before.next);
    const bridge = await start(scope);
    await produceRaw(producer, scope.topics.rawLogs, before.list);
    await settle(scope);
    await stopOpenSearchServer(servers);
    await produceRaw(producer, scope.topics.rawLogs, during.list);
    // The event that proves the outage was seen: bulk retries counted while OpenSearch is down.
    await waitFor(async () => /logclaw_bridge_retries_total\{target="opensearch_bulk"[^}]*\} [1-9]/.test(await bridge.metrics()), 120_000, "bulk retries");
    expect(await caughtUp(admin, scope.groupId, scope.topics.rawLogs)).toBe(false);
    servers = await restartOpenSearchServer(servers);
    await settle(scope);
    const indexed = await countTenantDocs(opensearch, scope.tenantId);
    report("opensearch-outage", before.records + during.records, indexed);
    expect(indexed).toBe(before.records + during.records);
  }, FAULT_TIMEOUT_MS);

  it("broker stopped and restarted mid-stream: nothing lost, nothing doubled", async () => {
    const scope = newScope("broker");
    await createScopeTopics(admin, scope, 2);
    const first = batchesFor(["api", "db"], 80, 40);
    const second = batchesFor(["api", "db"], 20, 40, first.next);
    await produceRaw(producer, scope.topics.rawLogs, first.list, 40);
    await start(scope, { LOGCLAW_BRIDGE_BATCH_MAX_MESSAGES: "10" });
    await waitFor(async () => (await countTenantDocs(opensearch, scope.tenantId)) > 0, 120_000, "indexing to start");
    await producer.disconnect();
    await admin.disconnect();
    await stopKafkaServer(servers);
    servers = await restartKafkaServer(servers);
    await connectClients();
    await produceRaw(producer, scope.topics.rawLogs, second.list);
    await settle(scope);
    const indexed = await countTenantDocs(opensearch, scope.tenantId);
    report("broker-restart", first.records + second.records, indexed);
    expect(indexed).toBe(first.records + second.records);
  }, FAULT_TIMEOUT_MS);

  it("a consumer-group rebalance between two bridge processes: nothing lost, nothing doubled", async () => {
    const scope = newScope("rebalance");
    await createScopeTopics(admin, scope, 4);
    const services = ["api", "db", "cache", "auth", "search", "queue"];
    const a = batchesFor(services, 20, 30);
    const b = batchesFor(services, 20, 30, a.next);
    const c = batchesFor(services, 20, 30, b.next);
    const one = await start(scope, { LOGCLAW_BRIDGE_BATCH_MAX_MESSAGES: "10" });
    await produceRaw(producer, scope.topics.rawLogs, a.list);
    await waitFor(async () => (await countTenantDocs(opensearch, scope.tenantId)) > 0, 120_000, "indexing to start");
    const two = await start(scope, { LOGCLAW_BRIDGE_BATCH_MAX_MESSAGES: "10" });
    await produceRaw(producer, scope.topics.rawLogs, b.list);
    await settle(scope);
    const secondIndexed = Number(/logclaw_bridge_documents_indexed_total (\d+)/.exec(await two.metrics())?.[1] ?? 0);
    expect(secondIndexed).toBeGreaterThan(0);
    // The first process leaves (SIGTERM drains and commits): the second takes every partition over.
    await produceRaw(producer, scope.topics.rawLogs, c.list);
    expect(await one.stop("SIGTERM")).toBe(0);
    await settle(scope);
    const total = a.records + b.records + c.records;
    const indexed = await countTenantDocs(opensearch, scope.tenantId);
    report("rebalance", total, indexed);
    expect(indexed).toBe(total);
  }, FAULT_TIMEOUT_MS);
});
