import { appendFileSync } from "node:fs";
import type { Logger } from "pino";
import { Counter, Gauge, type Registry } from "prom-client";
import { deadLetterReasonLabel } from "../../../contracts/dead-letter";
import type { DeadLetter, IncidentEvent, LogDocument } from "../../../contracts/records";
import { ReceiverOverloadedError, type OtlpEncoding, type OtlpExportResult, type OtlpSignal, type OtlpSink } from "../../receivers/otlp";
import { DetectionMetrics, PipelineRunner, type DeliveredBatch, type DetectionCore, type LogStoreSize, type PipelineSinks, type ProcessedBatch } from "../../runner";
import type { SqliteIncidentStore } from "../../store/sqlite/incidents";
import type { LogWriter } from "../../store/sqlite/log-writer";
import { logRowsOf, type LogRows } from "../../store/sqlite/logs";
import type { SqliteSpanStore } from "../../store/sqlite/spans";
import { WriteQueue } from "./write-queue";

export interface LocalIngestOptions {
  pipeline: DetectionCore;
  /** Commits log rows (on this thread or the writer thread). */
  logWriter: LogWriter;
  spans: SqliteSpanStore;
  incidents: SqliteIncidentStore;
  /** Append-only JSON lines file for records the pipeline could not use. */
  deadLetterFile: string;
  /** Called with the documents of each stored batch (counters, live tail); must not throw. */
  onDocuments: (documents: readonly LogDocument[]) => void;
  /** Called after an incident event is stored (ticketing, live updates); must not throw. */
  onIncidentEvent: (event: IncidentEvent) => void;
  registry: Registry;
  logger: Logger;
  /** Wall clock: received time of requests, live windows, dead-letter stamps. */
  now: () => Date;
  /** The store's size for `/metrics`, read at scrape time. */
  storeSize: () => LogStoreSize;
  /** Log records waiting for their commit at most; beyond it requests are refused with a retry delay. */
  maxQueuedRecords: number;
  /** Seconds a client refused because the queue is full is told to wait. */
  retryAfterSeconds: number;
}

/**
 * The receivers' sink in local mode, for logs and traces: the pipeline runner with the embedded
 * store as its sinks. Documents, spans, incidents and dead letters are on disk before the receiver
 * answers, so an acknowledged record or span is never lost. Log documents go through a bounded
 * write queue (group commit); when it is full a request is refused before the pipeline sees it, so
 * the client's retry is counted by detection once.
 */
export class LocalIngest implements OtlpSink {
  readonly totals = { documents: 0, spans: 0, incidentEvents: 0, deadLetters: 0 };
  private readonly deadLetters: Counter<"reason">;
  private readonly detection: DetectionMetrics;
  private readonly runner: PipelineRunner;
  private readonly sinks: PipelineSinks;
  private readonly logQueue: WriteQueue<LogRows>;

  constructor(private readonly options: LocalIngestOptions) {
    const queue = new WriteQueue<LogRows>({ commit: (rowSets) => options.logWriter.store(rowSets), maxRecords: options.maxQueuedRecords });
    this.logQueue = queue;
    new Gauge({
      name: "logclaw_local_write_queue_records",
      help: "Log records processed and waiting for their commit to the local store.",
      registers: [options.registry],
      collect() {
        this.set(queue.records);
      },
    });
    this.deadLetters = new Counter({
      name: "logclaw_local_dead_letters_total",
      help: "Records local mode could not process, by reason (written to dead-letter.jsonl).",
      labelNames: ["reason"],
      registers: [options.registry],
    });
    this.detection = new DetectionMetrics({
      registry: options.registry,
      storeSize: options.storeSize,
    });
    this.runner = new PipelineRunner({ core: options.pipeline, clock: options.now });
    this.sinks = {
      logs: {
        write: async (documents) => {
          // Stored before the request is answered: retention counts from this (received) time. The rows
          // are built here, so the writer (possibly another thread) only binds them.
          await this.logQueue.write(logRowsOf(documents, options.now().getTime()), documents.length);
          options.onDocuments(documents);
          return { stored: documents.length, refused: [] };
        },
      },
      spans: {
        write: async (spans) => {
          options.spans.indexSync(spans, options.now().getTime());
          return { stored: spans.length, refused: [] };
        },
      },
      incidents: {
        write: async (events) => {
          for (const event of events) options.incidents.upsertSync(event.incident);
        },
      },
      deadLetters: {
        write: async (deadLetters) => this.writeDeadLetters(deadLetters),
      },
    };
  }

  async export(signal: OtlpSignal, payload: Uint8Array, encoding: OtlpEncoding, source: string): Promise<OtlpExportResult> {
    if (this.logQueue.isFull()) {
      throw new ReceiverOverloadedError(`local store busy: ${this.logQueue.records} records waiting for their commit, retry later`, this.options.retryAfterSeconds);
    }
    const processed = this.runner.process([{ payload, encoding, signal, source, receivedMs: this.options.now().getTime() }]);
    const batch = await this.persist(processed);
    // Unusable as a whole: kept as a dead letter, and the receiver answers 400 (not partial success).
    const [unusable] = processed.unusable;
    if (unusable) throw unusable;
    return batch.rejected > 0
      ? { accepted: batch.accepted, rejected: batch.rejected, errorMessage: summarize(batch.deadLetters) }
      : { accepted: batch.accepted, rejected: 0 };
  }

  /** Live clock: lets windows close and incidents resolve while no traffic arrives. */
  async tick(): Promise<void> {
    await this.persist(this.runner.tick(this.options.now().getTime()));
  }

  /** Shutdown: drains the pipeline's open windows into the store. */
  async flush(): Promise<void> {
    await this.persist(this.runner.flush());
  }

  private writeDeadLetters(deadLetters: readonly DeadLetter[]): void {
    appendFileSync(this.options.deadLetterFile, deadLetters.map((d) => `${JSON.stringify(d)}\n`).join(""));
    for (const d of deadLetters) this.deadLetters.inc({ reason: deadLetterReasonLabel(d.reason) });
    this.totals.deadLetters += deadLetters.length;
  }

  private async persist(processed: ProcessedBatch): Promise<DeliveredBatch> {
    const { logger } = this.options;
    const batch = await this.runner.deliver(processed, this.sinks, "local");
    this.detection.record(batch);
    this.detection.observeLag("local", this.options.now().getTime(), batch);
    this.totals.documents += batch.stored;
    this.totals.spans += batch.storedSpans;
    this.totals.incidentEvents += batch.incidentEvents.length;
    for (const event of batch.incidentEvents) {
      logger.info({ incident: event.incident.id, type: event.type, service: event.incident.service, severity: event.incident.severity }, `incident ${event.type}: ${event.incident.title}`);
      this.options.onIncidentEvent(event);
    }
    return batch;
  }
}

function summarize(deadLetters: readonly DeadLetter[]): string {
  const first = deadLetters[0];
  if (!first) return "records rejected";
  return deadLetters.length === 1 ? first.reason : `${first.reason} (and ${deadLetters.length - 1} more)`;
}
