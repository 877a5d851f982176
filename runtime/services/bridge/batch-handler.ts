import type { Client } from "@opensearch-project/opensearch";
import type { EachBatchPayload, KafkaMessage, Producer } from "kafkajs";
import type { Logger } from "pino";
import type { BatchResult, ContextSummary } from "../../bridge/pipeline";
import { payloadEncoding } from "../../receivers/kafka/payload";
import { publishOutputs, retryWithBackoff, RetryAbortedError, writeLogDocuments, type BackoffPolicy, type OutputTopics } from "../../sinks";
import type { DeadLetter, IncidentEvent, LogDocument } from "../../../contracts/records";
import { isRetriable, OpenSearchIncidentStore, reasonOf } from "../../store/opensearch";
import type { CheckpointStore } from "./checkpoints";
import { reasonLabel, type BridgeMetrics } from "./metrics";
import type { PartitionPipelines, PartitionRuntime } from "./partition-pipelines";

export interface BatchHandlerDeps {
  topic: string;
  outputs: OutputTopics;
  instanceId: string;
  batchMaxMessages: number;
  backoff: BackoffPolicy;
  opensearch: Client;
  producer: Producer;
  pipelines: PartitionPipelines;
  checkpoints: CheckpointStore;
  metrics: BridgeMetrics;
  logger: Logger;
  /** Aborted on SIGTERM: retries stop and the unfinished batch stays uncommitted. */
  signal: AbortSignal;
  commit: (partition: number, nextOffset: bigint) => Promise<void>;
  /** Summaries produced here also reach this replica's other partitions at once. */
  shareLocally: (fromPartition: number, summaries: ContextSummary[]) => void;
  /** Event time for checkpoints' `updatedAt`. */
  now: () => Date;
}

interface Collected {
  documents: LogDocument[];
  incidentEvents: IncidentEvent[];
  deadLetters: DeadLetter[];
  accepted: number;
}

const MAX_DEAD_LETTER_PAYLOAD = 4096;

function processMessages(runtime: PartitionRuntime, messages: KafkaMessage[], topic: string, partition: number, at: () => Date): Collected {
  const out: Collected = { documents: [], incidentEvents: [], deadLetters: [], accepted: 0 };
  const add = (r: BatchResult) => {
    out.documents.push(...r.documents);
    out.incidentEvents.push(...r.incidentEvents);
    out.deadLetters.push(...r.deadLetters);
    out.accepted += r.accepted;
  };
  for (const message of messages) {
    const source = `${topic}/${partition}@${message.offset}`;
    if (!message.value || message.value.length === 0) {
      out.deadLetters.push({ reason: "empty_message: no value", source, payload: "", at: at().toISOString() });
      continue;
    }
    try {
      const encoding = payloadEncoding(message.value);
      // JSON goes in as text so a dead letter carries the readable payload, not base64.
      add(runtime.pipeline.processOtlp(encoding === "json" ? message.value.toString("utf8") : message.value, encoding, source));
    } catch (err) {
      // A record that makes the core throw must not stall the partition: it is dead-lettered with the error.
      out.deadLetters.push({
        reason: `pipeline_error: ${err instanceof Error ? err.message : String(err)}`,
        source,
        payload: message.value.toString("utf8").slice(0, MAX_DEAD_LETTER_PAYLOAD),
        at: at().toISOString(),
      });
    }
  }
  return out;
}

/**
 * kafkajs `eachBatch`: runs slices of a partition's batch through that partition's pipeline, and
 * for each slice indexes the documents and incidents in OpenSearch, publishes enriched logs,
 * incident events, dead letters and context summaries, checkpoints the pipeline and only then
 * commits the offsets. A failure drops the pipeline (it is rebuilt from the checkpoint) and leaves
 * the offsets where they were, so the slice is consumed again: ids are deterministic, nothing doubles.
 */
export function createBatchHandler(deps: BatchHandlerDeps) {
  const incidents = new OpenSearchIncidentStore(deps.opensearch);
  return async (payload: EachBatchPayload): Promise<void> => {
    const { batch, heartbeat, isRunning, isStale, resolveOffset } = payload;
    const partition = batch.partition;
    const live = () => isRunning() && !isStale() && !deps.signal.aborted;
    const retryHooks = (target: string) => ({
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
        const runtime = await retryWithBackoff(() => deps.pipelines.acquire(partition, BigInt(first.offset)), retryHooks("checkpoint"));
        const fresh = slice.filter((m) => BigInt(m.offset) >= runtime.nextOffset);
        deps.metrics.skippedReplays.inc(slice.length - fresh.length);
        if (fresh.length > 0) {
          const out = processMessages(runtime, fresh, deps.topic, partition, deps.now);
          const summaries = runtime.pipeline.takeContextSummaries();
          const written = await writeLogDocuments(
            deps.opensearch,
            out.documents,
            {
              maxDocsPerRequest: 2000,
              backoff: deps.backoff,
              onRetry: async (reason, attempt) => {
                deps.metrics.retries.inc({ target: "opensearch_bulk", reason });
                deps.logger.warn({ partition, attempt, reason }, "retrying bulk indexing");
                if (!live()) throw new RetryAbortedError(new Error(reason));
                await heartbeat();
              },
            },
            deps.signal,
          );
          for (const r of written.rejected) {
            out.deadLetters.push({ reason: r.reason, source: `${deps.topic}/${partition} doc ${r.doc.id}`, payload: JSON.stringify(r.doc).slice(0, MAX_DEAD_LETTER_PAYLOAD), at: deps.now().toISOString() });
          }
          const latest = new Map(out.incidentEvents.map((e) => [e.incident.id, e.incident]));
          await retryWithBackoff(() => incidents.upsertMany([...latest.values()]), retryHooks("opensearch_incidents"));
          await publishOutputs(deps.producer, deps.outputs, { ...out, summaries }, deps.instanceId);
          deps.shareLocally(partition, summaries);
          runtime.nextOffset = BigInt(last.offset) + 1n;
          await retryWithBackoff(
            () => deps.checkpoints.save(partition, { nextOffset: runtime.nextOffset.toString(), state: runtime.pipeline.exportState() }, deps.now()),
            retryHooks("checkpoint"),
          );
          deps.metrics.accepted.inc(out.accepted);
          deps.metrics.indexed.inc(written.indexed);
          for (const d of out.deadLetters) deps.metrics.deadLettered.inc({ reason: reasonLabel(d.reason) });
          for (const e of out.incidentEvents) deps.metrics.incidentEvents.inc({ type: e.type });
        }
        await deps.commit(partition, BigInt(last.offset) + 1n);
        deps.metrics.commits.inc();
        resolveOffset(last.offset);
        await heartbeat();
      } catch (err) {
        deps.pipelines.drop(partition);
        if (err instanceof RetryAbortedError) {
          deps.logger.info({ partition, offset: first.offset }, "batch abandoned uncommitted (shutting down or partition revoked)");
          return;
        }
        throw err;
      }
      const lag = batch.offsetLag();
      deps.metrics.lag.set({ partition: String(partition) }, Number(lag));
      deps.metrics.batchSeconds.observe(Number(process.hrtime.bigint() - startedAt) / 1e9);
    }
  };
}
