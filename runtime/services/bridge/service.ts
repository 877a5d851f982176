import type { Server } from "node:http";
import type { Consumer, Producer } from "kafkajs";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import { bridgeContextGroup } from "../../../contracts/topics";
import type { BridgePipeline, ContextSummary } from "../../bridge/pipeline";
import { createKafka, KeyCachingPartitioner } from "../../receivers/kafka";
import { DEFAULT_BACKOFF, retryWithBackoff } from "../../sinks";
import { LOG_INDEX_PATTERN } from "../../../contracts/opensearch/index-names";
import { DetectionMetrics } from "../../runner";
import { Dismissals } from "../../bridge/lifecycle";
import { createOpenSearchClient, ensureIndexLifecycle, isRetriable, OpenSearchWorkflowStore, reasonOf } from "../../store/opensearch";
import { every } from "../periodic";
import { createPartitionWork, type ConsumedTopic } from "./batch-handler";
import { CheckpointStore } from "./checkpoints";
import type { BridgeConfig } from "./config";
import { startOpsServer } from "./http";
import { createBridgeMetrics } from "./metrics";
import { PartitionPipelines } from "./partition-pipelines";
import { VerdictFollower } from "./verdicts";

export interface RunningBridge {
  /** Drains: finishes (or abandons uncommitted) the batch in flight, commits, disconnects. */
  stop(): Promise<void>;
  /** Resolves when the bridge stopped on its own after a fatal error. */
  readonly failed: Promise<Error>;
}

const ORIGIN_HEADER = "logclaw-origin";

/**
 * `logclaw bridge`: consumes `raw-logs` and `raw-spans` as a member of the consumer group and runs
 * each owned topic partition through its own detection core into OpenSearch and the output topics,
 * committing offsets only after both acknowledged. Window summaries travel between all pipelines of
 * a replica at once and between replicas on the context topic.
 */
export interface BridgeClock {
  /** The wall clock (injected by tests). */
  now: () => Date;
  /** How often the wall clock moves detection on while no traffic arrives. */
  tickMs: number;
  /**
   * How often the replica reads the verdicts people made since its last read. A verdict reaches
   * detection within this delay; 30 s costs one small search per replica.
   */
  verdictRefreshMs?: number;
}

const DEFAULT_CLOCK: BridgeClock = { now: () => new Date(), tickMs: 1000 };
const DEFAULT_VERDICT_REFRESH_MS = 30_000;

export async function startBridge(config: BridgeConfig, logger: Logger, registry: Registry, clock: BridgeClock = DEFAULT_CLOCK): Promise<RunningBridge> {
  const { now } = clock;
  const metrics = createBridgeMetrics(registry);
  const abort = new AbortController();
  let joined = false;
  let lifecycleReady = false;
  let draining = false;
  let dead = false;
  let fatal: ((err: Error) => void) | null = null;
  const failed = new Promise<Error>((resolve) => {
    fatal = resolve;
  });

  const opsServer: Server = await startOpsServer(
    config.httpPort,
    { healthy: () => !dead, ready: () => joined && lifecycleReady && !draining },
    registry,
  );

  const opensearch = createOpenSearchClient(config.opensearch);
  const detection = new DetectionMetrics({
    registry,
    storeSize: async () => {
      const stats = await opensearch.indices.stats({ index: LOG_INDEX_PATTERN, metric: ["docs", "store"], expand_wildcards: "open" });
      const primaries = stats.body._all.primaries;
      return { records: primaries?.docs?.count ?? 0, bytes: primaries?.store?.size_in_bytes ?? null };
    },
  });
  await retryWithBackoff(
    () => ensureIndexLifecycle(opensearch, { retentionDays: config.retentionDays, replicas: config.opensearch.replicas, shards: config.opensearch.shards }),
    {
      policy: DEFAULT_BACKOFF,
      signal: abort.signal,
      retriable: isRetriable,
      onRetry: (err, attempt) => {
        metrics.retries.inc({ target: "opensearch_bootstrap", reason: reasonOf(err) });
        logger.warn({ attempt, err: reasonOf(err) }, "OpenSearch not reachable yet");
      },
    },
  ).then((result) => {
    lifecycleReady = true;
    if (result.retentionPolicy === "unavailable") logger.warn("the cluster has no ISM plugin: log and span retention is not enforced");
    logger.info({ lifecycle: result }, "index lifecycle ensured");
  });

  // "Not an incident" verdicts, read before the first record so a restart cannot reopen a dismissed fingerprint.
  const dismissals = new Dismissals(config.tenantId);
  const verdicts = new VerdictFollower({
    tenantId: config.tenantId,
    dismissals,
    source: new OpenSearchWorkflowStore(opensearch),
    warn: (details, line) => logger.warn(details, line),
    info: (details, line) => logger.info(details, line),
  });
  await verdicts.refresh();

  const kafka = createKafka({ ...config.kafka, clientId: `logclaw-bridge-${config.tenantId}` }, logger);
  // Java-compatible murmur2 partitioning, the same as every other Kafka client on the tenant cluster
  // (each key's partition remembered: the bridge sends one enriched-logs message per log).
  const producer: Producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: KeyCachingPartitioner });
  const consumer: Consumer = kafka.consumer({
    groupId: config.kafka.groupId,
    maxBytesPerPartition: config.kafka.maxBytesPerPartition,
    maxBytes: config.kafka.maxBytes,
    sessionTimeout: 30_000,
    heartbeatInterval: 3_000,
    allowAutoTopicCreation: false,
    // Any failure restarts the consumer from the committed offsets instead of leaving the process idle.
    retry: { initialRetryTime: 300, maxRetryTime: 10_000, retries: 12, restartOnFailure: async () => true },
  });
  // Every replica sees every summary: its own throwaway group, reading only what arrives from now on.
  const contextConsumer: Consumer = kafka.consumer({
    groupId: bridgeContextGroup(config.kafka.groupId, config.instanceId),
    retry: { restartOnFailure: async () => true },
  });

  const consumedTopic = (topic: string, signal: ConsumedTopic["signal"]): ConsumedTopic => {
    const checkpoints = new CheckpointStore(opensearch, config.kafka.groupId, topic);
    const pipelines = new PartitionPipelines({
      tenantId: config.tenantId,
      redaction: config.tenant?.redaction,
      checkpoints,
      dismissals,
      now,
      warn: (details, line) => logger.warn({ topic, ...details }, line),
    });
    return { signal, pipelines, checkpoints };
  };
  // Logs and spans are partitioned differently (by resource, by trace id), so each topic partition
  // has its own pipeline; the context summaries connect them like they connect replicas.
  const inputs = new Map<string, ConsumedTopic>([
    [config.topics.rawLogs, consumedTopic(config.topics.rawLogs, "logs")],
    [config.topics.rawSpans, consumedTopic(config.topics.rawSpans, "traces")],
  ]);
  const applySummary = (summary: ContextSummary, except: BridgePipeline | null) => {
    let unusable = 0;
    for (const input of inputs.values()) {
      for (const [, runtime] of input.pipelines.entries()) {
        if (runtime.pipeline !== except) unusable = Math.max(unusable, runtime.pipeline.applyContextSummary(summary));
      }
    }
    // The rest of the summary is used; only its malformed span detections are left out.
    if (unusable > 0) {
      metrics.deadLettered.inc({ reason: "invalid_context_summary" });
      logger.warn({ tenant: summary.tenantId, windowStartMs: summary.windowStartMs, unusable }, "ignored unusable span detections in a context summary");
    }
  };

  consumer.on(consumer.events.GROUP_JOIN, (event) => {
    const assignment: Record<string, number[]> = {};
    for (const [topic, input] of inputs) {
      assignment[topic] = event.payload.memberAssignment[topic] ?? [];
      input.pipelines.retain(assignment[topic]);
    }
    joined = true;
    logger.info({ partitions: assignment, generation: event.payload.groupId }, "joined the consumer group");
    void resumeQuietPartitions(assignment).catch((err: unknown) => logger.warn({ err: reasonOf(err) }, "could not resume the wall clock of quiet partitions"));
  });
  consumer.on(consumer.events.CRASH, (event) => {
    logger.error({ err: event.payload.error.message, restart: event.payload.restart }, "consumer crashed");
    if (!event.payload.restart) {
      dead = true;
      fatal?.(event.payload.error);
    }
  });

  const admin = kafka.admin();
  const resumeQuietPartitions = async (assignment: Readonly<Record<string, readonly number[]>>): Promise<void> => {
    for (const [topic, assigned] of Object.entries(assignment)) {
      const offsets = await admin.fetchTopicOffsets(topic);
      const mine = new Set(assigned);
      await work.resume(topic, new Map(offsets.filter((o) => mine.has(o.partition)).map((o) => [o.partition, BigInt(o.high)])));
    }
  };

  await admin.connect();
  await producer.connect();
  await consumer.connect();
  await contextConsumer.connect();
  await consumer.subscribe({ topics: [...inputs.keys()], fromBeginning: true });
  await contextConsumer.subscribe({ topic: config.topics.context, fromBeginning: false });

  await contextConsumer.run({
    eachMessage: async ({ message }) => {
      if (message.headers?.[ORIGIN_HEADER]?.toString() === config.instanceId || !message.value) return;
      try {
        applySummary(JSON.parse(message.value.toString("utf8")) as ContextSummary, null);
      } catch (err) {
        metrics.deadLettered.inc({ reason: "invalid_context_summary" });
        logger.warn({ err: (err as Error).message }, "ignored an unreadable context summary");
      }
    },
  });

  const work = createPartitionWork({
      inputs,
      outputs: {
        enrichedLogs: config.topics.enrichedLogs,
        incidents: config.topics.incidents,
        deadLetter: config.topics.deadLetter,
        context: config.topics.context,
      },
      instanceId: config.instanceId,
      batchMaxMessages: config.batchMaxMessages,
      backoff: DEFAULT_BACKOFF,
      opensearch,
      producer,
      metrics,
      logger,
      signal: abort.signal,
      commit: (topic, partition, nextOffset) => consumer.commitOffsets([{ topic, partition, offset: nextOffset.toString() }]),
      shareLocally: (from, summaries) => {
        for (const s of summaries) applySummary(s, from);
      },
      now,
      detection,
  });
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: config.kafka.partitionsConcurrency,
    eachBatch: work.eachBatch,
  });
  const stopTicking = every(clock.tickMs, logger, "could not advance detection on the wall clock", work.tick);
  const stopFollowing = every(clock.verdictRefreshMs ?? DEFAULT_VERDICT_REFRESH_MS, logger, "could not refresh incident verdicts", async () => {
    await verdicts.refresh();
  });
  logger.info({ topics: [...inputs.keys()], group: config.kafka.groupId, instance: config.instanceId }, "bridge consuming");

  let stopping: Promise<void> | null = null;
  const stop = () => {
    stopping ??= (async () => {
      draining = true;
      stopTicking();
      stopFollowing();
      logger.info("draining");
      const deadline = setTimeout(() => abort.abort(), config.drainTimeoutMs);
      try {
        // disconnect() waits for the batch in flight, which commits before it returns.
        await consumer.disconnect();
        abort.abort();
        await Promise.all([contextConsumer.disconnect(), producer.disconnect(), admin.disconnect()]);
        await opensearch.close();
      } finally {
        clearTimeout(deadline);
        await new Promise<void>((resolve) => opsServer.close(() => resolve()));
      }
      logger.info("stopped");
    })();
    return stopping;
  };
  return { stop, failed };
}
