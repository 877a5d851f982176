import type { Client } from "@opensearch-project/opensearch";
import type { EachBatchPayload, KafkaMessage, Producer } from "kafkajs";
import type { Logger } from "pino";
import { deadLetterReasonLabel } from "../../../contracts/dead-letter";
import { LOG_INDEX_PATTERN, SPAN_INDEX_PATTERN } from "../../../contracts/opensearch/index-names";
import type { OtlpSignal } from "../../bridge/decode";
import type { BridgePipeline, ContextSummary } from "../../bridge/pipeline";
import { payloadEncoding } from "../../receivers/kafka/payload";
import { PipelineRunner, type DetectionMetrics, type PipelineSinks, type ProcessedBatch, type SourceRecord } from "../../runner";
import {
  DocumentJson,
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
import type { CheckpointStore, CheckpointToSave } from "./checkpoints";
import type { BridgeMetrics } from "./metrics";
import type { PartitionPipelines, PartitionRuntime } from "./partition-pipelines";

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
  /** The wall clock: live windows, lag, checkpoints' `updatedAt`. */
  now: () => Date;
  detection: DetectionMetrics;
}

/** One slice of a partition's batch between its processing and its delivery. */
interface SliceWork {
  runner: PipelineRunner;
  /** Null when every message of the slice was processed before (a replay after a checkpoint). */
  processed: ProcessedBatch | null;
  checkpoint: CheckpointToSave;
  /** Committed once the slice is delivered. */
  nextOffset: bigint;
  lastOffset: string;
  /** The slice is the batch's last: reaching the partition's end makes it caught up. */
  endsBatch: boolean;
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
 * The bridge's work on its topic partitions (`raw-logs` and `raw-spans`). `eachBatch` (kafkajs) runs
 * slices of a partition's batch through that topic partition's pipeline; `tick` lets the wall clock
 * close the windows of partitions that are caught up (live windows, quiet incidents resolving without
 * new traffic). Both then index the log and span documents and incidents in OpenSearch, publish
 * enriched logs, incident events, dead letters and context summaries, checkpoint the pipeline, and
 * only then (a batch) commit the offsets. A failure drops the pipeline (it is rebuilt from the
 * checkpoint) and leaves the offsets where they were, so the work is done again: ids are
 * deterministic, nothing doubles.
 */
export function createPartitionWork(deps: BatchHandlerDeps) {
  const incidents = new OpenSearchIncidentStore(deps.opensearch);
  type RetryHooksOf = (target: string) => RetryHooks;
  const retryHooksFor = (partition: number, live: () => boolean, heartbeat: () => Promise<void>): RetryHooksOf => (target) => ({
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
  const bulkOptions = (partition: number, live: () => boolean, heartbeat: () => Promise<void>, json?: DocumentJson): BulkSinkOptions => ({
    maxDocsPerRequest: 2000,
    maxInFlight: 2,
    backoff: deps.backoff,
    onRetry: async (reason, attempt) => {
      deps.metrics.retries.inc({ target: "opensearch_bulk", reason });
      deps.logger.warn({ partition, attempt, reason }, "retrying bulk indexing");
      if (!live()) throw new RetryAbortedError(new Error(reason));
      await heartbeat();
    },
    json,
  });
  /**
   * The bridge's sinks: OpenSearch for documents, spans and incidents, the dead-letter topic for dead
   * letters. `json` carries the documents' texts on to the enriched-logs publisher.
   */
  const sinks = (partition: number, retryHooks: RetryHooksOf, live: () => boolean, heartbeat: () => Promise<void>, json: DocumentJson): PipelineSinks => ({
    logs: {
      write: async (documents) => {
        const written = await writeLogDocuments(deps.opensearch, documents, bulkOptions(partition, live, heartbeat, json), deps.signal);
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

  /** The pipeline's state now, to be saved once everything before `nextOffset` is stored and published. */
  const checkpointOf = (runtime: PartitionRuntime): CheckpointToSave => ({
    nextOffset: runtime.nextOffset.toString(),
    stateJson: JSON.stringify(runtime.pipeline.exportState()),
  });

  /** Stores and publishes what the topic partition's pipeline produced, then saves the checkpoint taken right after it. */
  const settle = async (
    topic: string,
    input: ConsumedTopic,
    partition: number,
    runtime: PartitionRuntime,
    runner: PipelineRunner,
    processed: ProcessedBatch,
    checkpoint: CheckpointToSave,
    live: () => boolean,
    heartbeat: () => Promise<void>,
  ): Promise<void> => {
    const retryHooks = retryHooksFor(partition, live, heartbeat);
    const { summaries } = processed;
    const json = new DocumentJson();
    const delivered = await runner.deliver(processed, sinks(partition, retryHooks, live, heartbeat, json), `${topic}/${partition}`);
    // The ticketing agent reads an incident's sample logs and exemplar spans as soon as its event
    // arrives; the daily indices refresh only every 30 s on their own.
    if (delivered.incidentEvents.length > 0) {
      await retryWithBackoff(
        () => deps.opensearch.indices.refresh({ index: [LOG_INDEX_PATTERN, SPAN_INDEX_PATTERN], ignore_unavailable: true, allow_no_indices: true }),
        retryHooks("opensearch_refresh"),
      );
    }
    await publishOutputs(deps.producer, deps.outputs, { ...delivered, deadLetters: [], summaries }, deps.instanceId, json);
    deps.shareLocally(runtime.pipeline, summaries);
    await retryWithBackoff(() => input.checkpoints.save(partition, checkpoint, deps.now()), retryHooks("checkpoint"));
    (input.signal === "logs" ? deps.metrics.accepted : deps.metrics.spansAccepted).inc(delivered.accepted);
    deps.metrics.indexed.inc(delivered.stored);
    deps.metrics.spansIndexed.inc(delivered.storedSpans);
    for (const d of delivered.deadLetters) deps.metrics.deadLettered.inc({ reason: deadLetterReasonLabel(d.reason) });
    for (const e of delivered.incidentEvents) deps.metrics.incidentEvents.inc({ type: e.type });
    deps.detection.record(delivered);
    deps.detection.observeLag(`${topic}/${partition}`, deps.now().getTime(), delivered);
  };

  /**
   * A partition's batch in slices of `batchMaxMessages`, processed one after another; each slice is
   * delivered (sinks, outputs, checkpoint, then its offsets committed) while the next one is
   * processed, so the CPU work overlaps the writes in flight. Deliveries run one at a time in offset
   * order: incident events keep their order, and an offset is committed only after everything before
   * it was stored and published. A failure drops the pipeline (the slices after it are processed on
   * state that is thrown away) and leaves the offsets from the failed slice on uncommitted.
   */
  const eachBatch = async (payload: EachBatchPayload): Promise<void> => {
    const { batch, heartbeat, isRunning, isStale, resolveOffset } = payload;
    const { partition, topic } = batch;
    const input = deps.inputs.get(topic);
    // The consumer subscribes to exactly the inputs' topics; anything else is a wiring fault.
    if (!input) throw new Error(`no pipeline for topic ${topic}`);
    const live = () => isRunning() && !isStale() && !deps.signal.aborted;
    const retryHooks = retryHooksFor(partition, live, heartbeat);
    const deliverSlice = async (runtime: PartitionRuntime, work: SliceWork, startedAt: bigint): Promise<void> => {
      if (work.processed) await settle(topic, input, partition, runtime, work.runner, work.processed, work.checkpoint, live, heartbeat);
      await deps.commit(topic, partition, work.nextOffset);
      deps.metrics.commits.inc();
      resolveOffset(work.lastOffset);
      await heartbeat();
      runtime.caughtUp = work.endsBatch && Number(batch.offsetLag()) === 0;
      deps.metrics.lag.set({ topic, partition: String(partition) }, Number(batch.offsetLag()));
      deps.metrics.batchSeconds.observe(Number(process.hrtime.bigint() - startedAt) / 1e9);
    };
    await input.pipelines.exclusive(partition, async () => {
      let delivering: Promise<void> = Promise.resolve();
      try {
        for (let start = 0; start < batch.messages.length; start += deps.batchMaxMessages) {
          if (!live()) break;
          const slice = batch.messages.slice(start, start + deps.batchMaxMessages);
          const first = slice[0];
          const last = slice[slice.length - 1];
          if (!first || !last) break;
          const startedAt = process.hrtime.bigint();
          deps.metrics.consumed.inc(slice.length);
          const runtime = await retryWithBackoff(() => input.pipelines.acquire(partition, BigInt(first.offset)), retryHooks("checkpoint"));
          const fresh = slice.filter((m) => BigInt(m.offset) >= runtime.nextOffset);
          deps.metrics.skippedReplays.inc(slice.length - fresh.length);
          const work: SliceWork = {
            runner: new PipelineRunner({ core: runtime.pipeline, clock: deps.now }),
            processed: null,
            checkpoint: { nextOffset: "", stateJson: "" },
            nextOffset: BigInt(last.offset) + 1n,
            lastOffset: last.offset,
            endsBatch: start + deps.batchMaxMessages >= batch.messages.length,
          };
          if (fresh.length > 0) {
            work.processed = work.runner.process(fresh.map((m) => sourceRecord(m, topic, input.signal, partition)));
            runtime.nextOffset = work.nextOffset;
            work.checkpoint = checkpointOf(runtime);
          }
          // The previous slice's delivery ran while this one was processed; this one's starts after it.
          await delivering;
          delivering = deliverSlice(runtime, work, startedAt);
          // Awaited at the next slice or below; until then a failure must not count as unhandled.
          delivering.catch(() => undefined);
        }
        await delivering;
      } catch (err) {
        // A slice that failed before its delivery started leaves the previous one to finish first.
        await delivering.catch(() => undefined);
        input.pipelines.drop(partition);
        if (err instanceof RetryAbortedError) {
          deps.logger.info({ topic, partition }, "batch abandoned uncommitted (shutting down or partition revoked)");
          return;
        }
        throw err;
      }
    });
  };

  /**
   * Live windows: the wall clock closes the windows of every owned topic partition that is caught
   * up, and resolves incidents quiet for long enough, even when no record arrives. The result is
   * stored, published and checkpointed like a batch's (at the same offset); a failure drops the
   * pipeline, so the next batch or tick starts again from the checkpoint.
   */
  const tick = async (): Promise<void> => {
    for (const [topic, input] of deps.inputs) {
      for (const [partition, runtime] of [...input.pipelines.entries()]) {
        if (!runtime.caughtUp) continue;
        await input.pipelines.exclusive(partition, async () => {
          const owned = () => input.pipelines.current(partition) === runtime && !deps.signal.aborted;
          if (!owned()) return;
          const runner = new PipelineRunner({ core: runtime.pipeline, clock: deps.now });
          const processed = runner.tick(deps.now().getTime());
          if (processed.summaries.length === 0 && processed.incidentEvents.length === 0) return;
          try {
            await settle(topic, input, partition, runtime, runner, processed, checkpointOf(runtime), owned, async () => undefined);
          } catch (err) {
            input.pipelines.drop(partition);
            if (err instanceof RetryAbortedError) return;
            throw err;
          }
        });
      }
    }
  };

  /**
   * After joining the group: topic partitions whose checkpoint already holds everything up to their
   * end (a restart while traffic is quiet) are loaded and count as caught up, so the wall clock
   * closes their windows and resolves their incidents without waiting for a new record.
   */
  const resume = async (topic: string, highWatermarks: ReadonlyMap<number, bigint>): Promise<void> => {
    const input = deps.inputs.get(topic);
    if (!input) return;
    for (const [partition, high] of highWatermarks) {
      await input.pipelines.exclusive(partition, async () => {
        // Only a checkpoint at the partition's end: anything else is for the next batch to load at its own offset.
        const checkpoint = await input.checkpoints.load(partition);
        if (checkpoint === null || BigInt(checkpoint.nextOffset) < high) return;
        const runtime = await input.pipelines.acquire(partition, high);
        if (runtime.nextOffset >= high) runtime.caughtUp = true;
      });
    }
  };

  return { eachBatch, tick, resume };
}
