import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { join, resolve } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { CompressionTypes, Kafka, logLevel, type Admin, type Producer } from "kafkajs";
import type { Client } from "@opensearch-project/opensearch";
import { registerLz4Codec } from "../../../../runtime/receivers/kafka";
import { createOpenSearchClient } from "../../../../runtime/store/opensearch";
import { freePort } from "../../../support/servers/processes";
import type { ServersState } from "../../../support/servers";

const repoRoot = resolve(__dirname, "..", "..", "..", "..");

/** A test's own topics, group and tenant, so tests never see each other's data. */
export interface BridgeScope {
  tenantId: string;
  groupId: string;
  topics: { rawLogs: string; rawSpans: string; enrichedLogs: string; incidents: string; deadLetter: string; context: string };
}

export function newScope(name: string): BridgeScope {
  const suffix = randomUUID().slice(0, 8);
  const tenantId = `${name}-${suffix}`;
  return {
    tenantId,
    groupId: `bridge-${tenantId}`,
    topics: {
      rawLogs: `raw-logs-${tenantId}`,
      rawSpans: `raw-spans-${tenantId}`,
      enrichedLogs: `enriched-logs-${tenantId}`,
      incidents: `incidents-${tenantId}`,
      deadLetter: `dead-letter-${tenantId}`,
      context: `bridge-context-${tenantId}`,
    },
  };
}

export async function createScopeTopics(admin: Admin, scope: BridgeScope, rawPartitions: number): Promise<void> {
  const t = scope.topics;
  await admin.createTopics({
    waitForLeaders: true,
    topics: [
      { topic: t.rawLogs, numPartitions: rawPartitions },
      { topic: t.rawSpans, numPartitions: rawPartitions },
      { topic: t.enrichedLogs, numPartitions: 1 },
      { topic: t.incidents, numPartitions: 1 },
      { topic: t.deadLetter, numPartitions: 1 },
      { topic: t.context, numPartitions: 1 },
    ],
  });
}

export function bridgeEnv(servers: ServersState, scope: BridgeScope, httpPort: number, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    LOGCLAW_TENANT_ID: scope.tenantId,
    LOGCLAW_HTTP_PORT: String(httpPort),
    LOGCLAW_KAFKA_BROKERS: servers.kafka.brokers.join(","),
    LOGCLAW_KAFKA_SASL_MECHANISM: "none",
    LOGCLAW_OPENSEARCH_URL: servers.opensearch.url,
    LOGCLAW_OPENSEARCH_REPLICAS: "0",
    LOGCLAW_KAFKA_GROUP_ID: scope.groupId,
    LOGCLAW_TOPIC_RAW_LOGS: scope.topics.rawLogs,
    LOGCLAW_TOPIC_RAW_SPANS: scope.topics.rawSpans,
    LOGCLAW_TOPIC_ENRICHED_LOGS: scope.topics.enrichedLogs,
    LOGCLAW_TOPIC_INCIDENTS: scope.topics.incidents,
    LOGCLAW_TOPIC_DEAD_LETTER: scope.topics.deadLetter,
    LOGCLAW_TOPIC_BRIDGE_CONTEXT: scope.topics.context,
    LOGCLAW_LOG_LEVEL: "warn",
    ...extra,
  };
}

/** A `logclaw bridge` child process, as the container runs it. */
export class BridgeProcess {
  readonly output: string[] = [];
  readonly exited: Promise<number | null>;
  private constructor(
    readonly child: ChildProcess,
    readonly httpPort: number,
  ) {
    child.stdout?.on("data", (chunk: Buffer) => this.output.push(chunk.toString("utf8")));
    child.stderr?.on("data", (chunk: Buffer) => this.output.push(chunk.toString("utf8")));
    this.exited = new Promise((resolveExit) => child.once("exit", (code) => resolveExit(code)));
  }

  /** `nodeArgs` go to Node before the script (e.g. `--cpu-prof`, which NODE_OPTIONS does not take). */
  static async start(servers: ServersState, scope: BridgeScope, extra: Record<string, string> = {}, nodeArgs: readonly string[] = []): Promise<BridgeProcess> {
    const port = await freePort();
    const child = spawn(process.execPath, [...nodeArgs, join(repoRoot, "runtime", "cli", "bin.js"), "bridge"], {
      cwd: repoRoot,
      env: bridgeEnv(servers, scope, port, extra),
      stdio: ["ignore", "pipe", "pipe"],
    });
    const bridge = new BridgeProcess(child, port);
    await bridge.waitReady();
    return bridge;
  }

  async probe(path: string): Promise<number> {
    try {
      return (await fetch(`http://127.0.0.1:${this.httpPort}${path}`)).status;
    } catch {
      return 0;
    }
  }

  async waitReady(timeoutMs = 60_000): Promise<void> {
    await waitFor(async () => {
      if (this.child.exitCode !== null) throw new Error(`bridge exited (${this.child.exitCode}): ${this.output.join("")}`);
      return (await this.probe("/readyz")) === 200;
    }, timeoutMs, "bridge /readyz");
  }

  async metrics(): Promise<string> {
    return (await fetch(`http://127.0.0.1:${this.httpPort}/metrics`)).text();
  }

  async stop(signal: NodeJS.Signals = "SIGTERM"): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }
}

/** Polls until a condition holds (the condition is the event: e.g. a document count reached). */
export async function waitFor(probe: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(250);
  }
}

export function kafkaFor(servers: ServersState): Kafka {
  registerLz4Codec();
  return new Kafka({ clientId: "bridge-test", brokers: servers.kafka.brokers, logLevel: logLevel.NOTHING, retry: { retries: 20, maxRetryTime: 5000 } });
}

export function openSearchFor(servers: ServersState): Client {
  return createOpenSearchClient({ url: servers.opensearch.url });
}

/** A test's connected Kafka admin and producer and OpenSearch client; `close` lets go of all three. */
export async function connectClients(servers: ServersState): Promise<{ kafka: Kafka; admin: Admin; producer: Producer; opensearch: Client; close(): Promise<void> }> {
  const kafka = kafkaFor(servers);
  const admin = kafka.admin();
  const producer = kafka.producer();
  const opensearch = openSearchFor(servers);
  await admin.connect();
  await producer.connect();
  return {
    kafka,
    admin,
    producer,
    opensearch,
    close: async () => {
      await producer.disconnect();
      await admin.disconnect();
      await opensearch.close();
    },
  };
}

/**
 * Records are dated an hour before the run: the bridge believes a record's time only within days of
 * its Kafka timestamp (event-time bounds), so a fixed calendar date would age out of that window.
 */
export const BASE_MS = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3_600_000;

export interface BatchSpec {
  service: string;
  /** First record number (unique across the test: it makes every record and id distinct). */
  first: number;
  count: number;
  /** Message of record i; default: an info line naming the record. */
  message?: (i: number) => string;
  severity?: (i: number) => "INFO" | "ERROR";
}

export function traceIdOf(i: number): string {
  return (BigInt(i) + 0xabc0000n).toString(16).padStart(32, "0");
}

/** One OTLP/JSON ExportLogsServiceRequest, as the collector's Kafka exporter writes it. */
export function otlpJsonBatch(spec: BatchSpec): string {
  const records = Array.from({ length: spec.count }, (_, k) => {
    const i = spec.first + k;
    const severity = spec.severity?.(i) ?? "INFO";
    return {
      timeUnixNano: `${BigInt(BASE_MS + i * 10) * 1_000_000n}`,
      severityNumber: severity === "ERROR" ? 17 : 9,
      severityText: severity,
      body: { stringValue: spec.message?.(i) ?? `request ${i} served in ${i % 97} ms for user u${i % 13}` },
      traceId: traceIdOf(i),
      spanId: (i + 1).toString(16).padStart(16, "0"),
      attributes: [{ key: "http.route", value: { stringValue: "/checkout" } }],
    };
  });
  return JSON.stringify({
    resourceLogs: [
      {
        resource: {
          attributes: [
            { key: "service.name", value: { stringValue: spec.service } },
            { key: "deployment.environment", value: { stringValue: "test" } },
          ],
        },
        scopeLogs: [{ scope: { name: "bridge-test" }, logRecords: records }],
      },
    ],
  });
}

/** Produces payloads lz4-compressed, keyed by service (as the collector partitions by resource). */
export async function produceRaw(producer: Producer, topic: string, payloads: { key: string; value: string | Buffer }[], perSend = 20): Promise<void> {
  for (let i = 0; i < payloads.length; i += perSend) {
    await producer.send({ topic, compression: CompressionTypes.LZ4, acks: -1, messages: payloads.slice(i, i + perSend) });
  }
}

export async function countTenantDocs(client: Client, tenantId: string): Promise<number> {
  await client.indices.refresh({ index: "logclaw-logs-*", ignore_unavailable: true, allow_no_indices: true });
  const response = await client.count({
    index: "logclaw-logs-*",
    ignore_unavailable: true,
    allow_no_indices: true,
    body: { query: { term: { tenant_id: tenantId } } },
  });
  return response.body.count;
}

/** Reads a topic from the beginning until `count` messages arrived (or the timeout). */
export async function readTopic(kafka: Kafka, topic: string, count: number, timeoutMs = 60_000): Promise<{ key: string; value: string }[]> {
  const consumer = kafka.consumer({ groupId: `reader-${randomUUID()}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const seen: { key: string; value: string }[] = [];
  try {
    await consumer.run({
      eachMessage: async ({ message }) => {
        seen.push({ key: message.key?.toString("utf8") ?? "", value: message.value?.toString("utf8") ?? "" });
      },
    });
    await waitFor(() => seen.length >= count, timeoutMs, `${count} messages on ${topic} (got ${seen.length})`);
  } finally {
    await consumer.disconnect();
  }
  return seen;
}

/** Messages in a topic: the sum of its partitions' high watermarks (topics here are never compacted or truncated). */
export async function topicSize(admin: Admin, topic: string): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.reduce((n, p) => n + Number(p.high) - Number(p.low), 0);
}

/** True once the group's committed offsets reached every partition's high watermark. */
export async function caughtUp(admin: Admin, groupId: string, topic: string): Promise<boolean> {
  let high: Awaited<ReturnType<Admin["fetchTopicOffsets"]>>;
  let committed: Awaited<ReturnType<Admin["fetchOffsets"]>>;
  try {
    [high, committed] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId, topics: [topic] })]);
  } catch {
    // Right after a broker restart the group coordinator is still loading: not caught up yet.
    return false;
  }
  const done = new Map((committed[0]?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
  return high.every((p) => Number(p.high) === 0 || done.get(p.partition) === Number(p.high));
}
