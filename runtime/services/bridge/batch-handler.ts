import type { Client } from "@opensearch-project/opensearch";
import type { EachBatchPayload, KafkaMessage, Producer } from "kafkajs";
import type { Logger } from "pino";
import { deadLetterReasonLabel } from "../../../contracts/dead-letter";
import type { OtlpSignal } from "../../bridge/decode";
import type { BridgePipeline, ContextSummary } from "../../bridge/pipeline";
import { TIME_ADJUSTMENTS } from "../../bridge/normalize";
import { payloadEncoding } from "../../receivers/kafka/payload";
import { PipelineRunner, type PipelineSinks, type SourceRecord } from "../../runner";
import {
  publishOutputs,
  retryWithBackoff,
  RetryAbortedError,
  writeLogDocuments,
  writeSpanDocuments,
  type BackoffPolicy,
  type BulkSinkOptions,
  type OutputTopics,
  type RetryHooks,
} from "../../sinks";
import { isRetriable, OpenSearchIncidentStore, reasonOf } from "../../store/opensearch";
import type { CheckpointStore } from "./checkpoints";
import type { BridgeMetrics } from "./metrics";
import type { PartitionPipelines } from "./partition-pipelines";

/** One consumed topic: which OTLP signal its records are, and the pipelines and checkpoints of its partitions. */
export interface ConsumedTopic {
  signal: OtlpSignal;
  pipelines: PartitionPipelines;
  checkpoints: CheckpointStore;
}

export interface BatchHandlerDeps {
  /** By topic name: `raw-logs` and `raw-spans`. */
  inputs: ReadonlyMap<string, ConsumedTopic>;
  outputs: OutputTopics;
  instanceId: string;
  batchMaxMessages: number;
  backoff: BackoffPolicy;
  opensearch: Client;
  producer: Producer;
  metrics: BridgeMetrics;
  logger: Logger;
  /** Aborted on SIGTERM: retries stop and the unfinished batch stays uncommitted. */
  signal: AbortSignal;
  commit: (topic: string, partition: number, nextOffset: bigint) => Promise<void>;
  /** Summaries produced here also reach this replica's other pipelines at once. */
  shareLocally: (from: BridgePipeline, summaries: ContextSummary[]) => void;
  /** Event time for checkpoints' `updatedAt`. */
  now: () => Date;
}

/** A Kafka message as a source record of the runner: JSON goes in as text so a dead letter carries it readable. */
function sourceRecord(message: KafkaMessage, topic: string, signal: OtlpSignal, partition: number): SourceRecord {
  const source = `${topic}/${partition}@${message.offset}`;
  const value = message.value ?? Buffer.alloc(0);
  const encoding = payloadEncoding(value);
  // The record's Kafka timestamp (when the collector exported it) is its received time.
  const timestamp = Number(message.timestamp);
  const receivedMs = Number.isFinite(timestamp) && timestamp > 0 ? timestamp : undefined;
  return { payload: encoding === "json" ? value.toString("utf8") : value, encoding, signal, source, receivedMs };
}

/**
 * kafkajs `eachBatch` for `raw-logs` and `raw-spans`: runs slices of a partition's batch through that
 * topic partition's pipeline, and for each slice indexes the log and span documents and incidents in
 * OpenSearch, publishes enriched logs, incident events, dead letters and context summaries,
 * checkpoints the pipeline and only then commits the offsets. A failure drops the pipeline (it is rebuilt from the checkpoint) and leaves
 * the offsets where they were, so the slice is consumed again: ids are deterministic, nothing doubles.
 */
export function createBatchHandler(deps: BatchHandlerDeps) {
  const incidents = new OpenSearchIncidentStore(deps.opensearch);
  type RetryHooksOf = (target: string) => RetryHooks;
  const bulkOptions = (partition: number, live: () => boolean, heartbeat: () => Promise<void>): BulkSinkOptions => ({
    maxDocsPerRequest: 2000,
    backoff: deps.backoff,
    onRetry: async (reason, attempt) => {
      deps.metrics.retries.inc({ target: "opensearch_bulk", reason });
      deps.logger.warn({ partition, attempt, reason }, "retrying bulk indexing");
      if (!live()) throw new RetryAbortedError(new Error(reason));
      await heartbeat();
    },
  });
  /** The bridge's sinks: OpenSearch for documents and incidents, the dead-letter topic for dead letters. */
  const sinks = (partition: number, retryHooks: RetryHooksOf, live: () => boolean, heartbeat: () => Promise<void>): PipelineSinks => ({
    logs: {
      write: async (documents) => {
        const written = await writeLogDocuments(deps.opensearch, documents, bulkOptions(partition, live, heartbeat), deps.signal);
        return { stored: written.indexed, refused: written.rejected };
      },
    },
    spans: {
      write: async (spans) => {
        const written = await writeSpanDocuments(deps.opensearch, spans, bulkOptions(partition, live, heartbeat), deps.signal);
        return { stored: written.indexed, refused: written.rejected.map((r) => ({ span: r.doc, reason: r.reason })) };
      },
    },
    incidents: {
      write: async (events) => {
        const latest = new Map(events.map((e) => [e.incident.id, e.incident]));
        await retryWithBackoff(() => incidents.upsertMany([...latest.values()]), retryHooks("opensearch_incidents"));
      },
    },
    deadLetters: {
      write: async (deadLetters) => {
        await publishOutputs(deps.producer, deps.outputs, { documents: [], incidentEvents: [], deadLetters, summaries: [] }, deps.instanceId);
      },
    },
  });
  return async (payload: EachBatchPayload): Promise<void> => {
    const { batch, heartbeat, isRunning, isStale, resolveOffset } = payload;
    const { partition, topic } = batch;
    const input = deps.inputs.get(topic);
    // The consumer subscribes to exactly the inputs' topics; anything else is a wiring fault.
    if (!input) throw new Error(`no pipeline for topic ${topic}`);
    const live = () => isRunning() && !isStale() && !deps.signal.aborted;
    const retryHooks = (target: string): RetryHooks => ({
      policy: deps.backoff,
      signal: deps.signal,
      retriable: isRetriable,
      onRetry: async (err: unknown, attempt: number) => {
        deps.metrics.retries.inc({ target, reason: reasonOf(err) });
        deps.logger.warn({ partition, target, attempt, err: reasonOf(err) }, "retrying");
        if (!live()) throw new RetryAbortedError(err);
        await heartbeat();
      },
    });
    for (let start = 0; start < batch.messages.length; start += deps.batchMaxMessages) {
      if (!live()) return;
      const slice = batch.messages.slice(start, start + deps.batchMaxMessages);
      const first = slice[0];
      const last = slice[slice.length - 1];
      if (!first || !last) return;
      const startedAt = process.hrtime.bigint();
      deps.metrics.consumed.inc(slice.length);
      try {
        const runtime = await retryWithBackoff(() => input.pipelines.acquire(partition, BigInt(first.offset)), retryHooks("checkpoint"));
        const fresh = slice.filter((m) => BigInt(m.offset) >= runtime.nextOffset);
        deps.metrics.skippedReplays.inc(slice.length - fresh.length);
        if (fresh.length > 0) {
          const runner = new PipelineRunner({ core: runtime.pipeline, clock: deps.now });
          const processed = runner.process(fresh.map((m) => sourceRecord(m, topic, input.signal, partition)));
          const summaries = runtime.pipeline.takeContextSummaries();
          const delivered = await runner.deliver(processed, sinks(partition, retryHooks, live, heartbeat), `${topic}/${partition}`);
          await publishOutputs(deps.producer, deps.outputs, { ...delivered, deadLetters: [], summaries }, deps.instanceId);
          deps.shareLocally(runtime.pipeline, summaries);
          runtime.nextOffset = BigInt(last.offset) + 1n;
          await retryWithBackoff(
            () => input.checkpoints.save(partition, { nextOffset: runtime.nextOffset.toString(), state: runtime.pipeline.exportState() }, deps.now()),
            retryHooks("checkpoint"),
          );
          (input.signal === "logs" ? deps.metrics.accepted : deps.metrics.spansAccepted).inc(delivered.accepted);
          for (const reason of TIME_ADJUSTMENTS) if (delivered.timeAdjustments[reason] > 0) deps.metrics.timeAdjusted.inc({ reason }, delivered.timeAdjustments[reason]);
          deps.metrics.indexed.inc(delivered.stored);
          deps.metrics.spansIndexed.inc(delivered.storedSpans);
          for (const d of delivered.deadLetters) deps.metrics.deadLettered.inc({ reason: deadLetterReasonLabel(d.reason) });
          for (const e of delivered.incidentEvents) deps.metrics.incidentEvents.inc({ type: e.type });
        }
        await deps.commit(topic, partition, BigInt(last.offset) + 1n);
        deps.metrics.commits.inc();
        resolveOffset(last.offset);
        await heartbeat();
      } catch (err) {
        input.pipelines.drop(partition);
        if (err instanceof RetryAbortedError) {
          deps.logger.info({ partition, offset: first.offset }, "batch abandoned uncommitted (shutting down or partition revoked)");
          return;
        }
        throw err;
      }
      const lag = batch.offsetLag();
      deps.metrics.lag.set({ topic, partition: String(partition) }, Number(lag));
      deps.metrics.batchSeconds.observe(Number(process.hrtime.bigint() - startedAt) / 1e9);
    }
  };
}
