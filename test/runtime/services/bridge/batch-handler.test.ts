import { errors, type Client } from "@opensearch-project/opensearch";
import type { EachBatchPayload, KafkaMessage, Producer } from "kafkajs";
import pino from "pino";
import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { Dismissals } from "../../../../runtime/bridge/lifecycle";
import { DetectionMetrics } from "../../../../runtime/runner";
import { createPartitionWork } from "../../../../runtime/services/bridge/batch-handler";
import type { CheckpointStore, CheckpointToSave } from "../../../../runtime/services/bridge/checkpoints";
import { createBridgeMetrics } from "../../../../runtime/services/bridge/metrics";
import { PartitionPipelines } from "../../../../runtime/services/bridge/partition-pipelines";

const TOPIC = "raw-logs";
const NOW = Date.parse("2026-12-07T10:00:00Z");

function message(offset: number): KafkaMessage {
  const request = {
    resourceLogs: [
      {
        resource: { attributes: [{ key: "service.name", value: { stringValue: "checkout" } }] },
        scopeLogs: [{ scope: { name: "t" }, logRecords: [{ timeUnixNano: `${BigInt(NOW + offset) * 1_000_000n}`, severityNumber: 9, body: { stringValue: `order ${offset} placed` } }] }],
      },
    ],
  };
  return { offset: String(offset), timestamp: String(NOW), key: null, value: Buffer.from(JSON.stringify(request)), attributes: 0, headers: {} } as KafkaMessage;
}

/** A bulk endpoint whose answers the test releases one request at a time. */
class GatedBulk {
  readonly calls: { release: () => void; fail: (err: Error) => void }[] = [];
  private waiters: (() => void)[] = [];

  bulk = (params: { body: string }) =>
    new Promise<{ body: { items: unknown[] } }>((resolve, reject) => {
      const docs = params.body.trim().split("\n").length / 2;
      this.calls.push({
        release: () => resolve({ body: { items: Array.from({ length: docs }, () => ({ index: { status: 201 } })) } }),
        fail: (err) => reject(err),
      });
      for (const w of this.waiters.splice(0)) w();
    });

  async waitForCalls(n: number): Promise<void> {
    while (this.calls.length < n) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }
}

function setup(batchMaxMessages: number) {
  const gate = new GatedBulk();
  const saved: CheckpointToSave[] = [];
  const checkpoints = { load: async () => null, save: async (_p: number, c: CheckpointToSave) => void saved.push(c) } as unknown as CheckpointStore;
  const pipelines = new PartitionPipelines({ tenantId: "t", checkpoints, now: () => new Date(NOW), warn: () => undefined, dismissals: new Dismissals("t") });
  const opensearch = { bulk: gate.bulk, indices: { refresh: async () => ({}) } } as unknown as Client;
  const producer = { sendBatch: async () => [] } as unknown as Producer;
  const registry = new Registry();
  const metrics = createBridgeMetrics(registry);
  const commits: bigint[] = [];
  const work = createPartitionWork({
    inputs: new Map([[TOPIC, { signal: "logs" as const, pipelines, checkpoints }]]),
    outputs: { enrichedLogs: "e", incidents: "i", deadLetter: "d", context: "c" },
    instanceId: "a",
    batchMaxMessages,
    backoff: { initialMs: 1, maxMs: 1 },
    opensearch,
    producer,
    metrics,
    logger: pino({ level: "silent" }),
    signal: new AbortController().signal,
    commit: async (_topic, _partition, next) => void commits.push(next),
    shareLocally: () => undefined,
    now: () => new Date(NOW),
    detection: new DetectionMetrics({ registry, storeSize: () => ({ records: 0, bytes: null }) }),
  });
  const payload = (messages: KafkaMessage[]) =>
    ({
      batch: { topic: TOPIC, partition: 0, messages, offsetLag: () => "0" },
      heartbeat: async () => undefined,
      isRunning: () => true,
      isStale: () => false,
      resolveOffset: () => undefined,
    }) as unknown as EachBatchPayload;
  const consumed = async () => (await registry.getSingleMetric("logclaw_bridge_messages_consumed_total")!.get()).values[0]?.value ?? 0;
  return { gate, saved, commits, work, payload, pipelines, consumed };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe("the bridge's batch handler pipelines a partition's slices", () => {
  it("processes the next slice while the previous one is in flight, and commits in offset order only after each delivery", async () => {
    const { gate, saved, commits, work, payload, consumed } = setup(1);
    const done = work.eachBatch(payload([message(0), message(1), message(2)]));
    await gate.waitForCalls(1);
    await settle();
    // Slice 1 is processed while slice 0's bulk is in flight; slice 2 waits for slice 0's delivery.
    expect(await consumed()).toBe(2);
    expect(commits).toEqual([]);
    gate.calls[0]!.release();
    await gate.waitForCalls(2);
    await settle();
    expect(commits).toEqual([1n]);
    expect(await consumed()).toBe(3);
    gate.calls[1]!.release();
    await gate.waitForCalls(3);
    gate.calls[2]!.release();
    await done;
    expect(commits).toEqual([1n, 2n, 3n]);
    // Each checkpoint is the state right after its own slice, saved before that slice's commit.
    expect(saved.map((c) => c.nextOffset)).toEqual(["1", "2", "3"]);
    expect(new Set(saved.map((c) => c.stateJson)).size).toBe(3);
  });

  it("leaves everything from a failed delivery on uncommitted and drops the partition's pipeline", async () => {
    const { gate, commits, work, payload, pipelines } = setup(1);
    const done = work.eachBatch(payload([message(0), message(1), message(2)]));
    await gate.waitForCalls(1);
    gate.calls[0]!.release();
    await gate.waitForCalls(2);
    // Not retriable (a 400): the batch fails and is consumed again from offset 1.
    const refused = new errors.ResponseError({ body: { error: { type: "illegal_argument_exception" } }, statusCode: 400, headers: {}, warnings: null, meta: {} } as never);
    gate.calls[1]!.fail(refused);
    await expect(done).rejects.toBe(refused);
    expect(commits).toEqual([1n]);
    expect(gate.calls).toHaveLength(2);
    expect(pipelines.current(0)).toBeUndefined();
  });
});
