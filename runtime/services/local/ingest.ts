import { appendFileSync } from "node:fs";
import type { Logger } from "pino";
import { Counter, type Registry } from "prom-client";
import { decodeOtlpLogs, type ExportLogsServiceRequest, type RejectedRecord } from "../../bridge/decode";
import type { OtlpEncoding, OtlpExportResult, OtlpLogsSink } from "../../receivers/otlp";
import type { DeadLetter, IncidentEvent, LogDocument } from "../../../contracts/records";
import type { SqliteIncidentStore } from "../../store/sqlite/incidents";
import type { SqliteLogStore } from "../../store/sqlite/logs";

/** What one pass of the detection core yields for a batch (the bridge's `BatchResult`). */
export interface PipelineBatch {
  documents: LogDocument[];
  incidentEvents: IncidentEvent[];
  deadLetters: DeadLetter[];
  accepted: number;
  rejected: number;
}

/** The slice of the bridge core (`BridgePipeline`) local mode drives. */
export interface DetectionPipeline {
  processRequest(request: ExportLogsServiceRequest, source: string, rejected: readonly RejectedRecord[]): PipelineBatch;
  /** Closes open windows (shutdown), emitting what they still hold. */
  flush(): PipelineBatch;
}

const MAX_DEAD_LETTER_PAYLOAD = 4096;

export interface LocalIngestOptions {
  pipeline: DetectionPipeline;
  logs: SqliteLogStore;
  incidents: SqliteIncidentStore;
  /** Append-only JSON lines file for records the pipeline could not use. */
  deadLetterFile: string;
  /** Called with how many documents each batch stored. */
  onDocuments: (count: number) => void;
  /** Called after an incident event is stored (ticketing, live updates); must not throw. */
  onIncidentEvent: (event: IncidentEvent) => void;
  registry: Registry;
  logger: Logger;
}

/**
 * The receivers' sink in local mode: detection in-process, then documents, incidents and dead
 * letters written to disk before the receiver answers, so an acknowledged record is never lost.
 */
export class LocalIngest implements OtlpLogsSink {
  readonly totals = { documents: 0, incidentEvents: 0, deadLetters: 0 };
  private readonly deadLetters: Counter<"reason">;

  constructor(private readonly options: LocalIngestOptions) {
    this.deadLetters = new Counter({
      name: "logclaw_local_dead_letters_total",
      help: "Records local mode could not process, by reason (written to dead-letter.jsonl).",
      labelNames: ["reason"],
      registers: [options.registry],
    });
  }

  async export(payload: Uint8Array, encoding: OtlpEncoding, source: string): Promise<OtlpExportResult> {
    const decoded = decodeOtlpLogs(payload, encoding);
    if (!decoded.ok) {
      // Unusable as a whole: kept as a dead letter, and the receiver answers 400 (not partial success).
      this.writeDeadLetters([
        {
          reason: `${decoded.error.reason}: ${decoded.error.message}`,
          source,
          payload: (encoding === "json" ? Buffer.from(payload).toString("utf8") : Buffer.from(payload).toString("base64")).slice(0, MAX_DEAD_LETTER_PAYLOAD),
          at: new Date().toISOString(),
        },
      ]);
      throw decoded.error;
    }
    const batch = this.options.pipeline.processRequest(decoded.request, source, decoded.rejected);
    this.persist(batch);
    return batch.rejected > 0
      ? { accepted: batch.accepted, rejected: batch.rejected, errorMessage: summarize(batch.deadLetters) }
      : { accepted: batch.accepted, rejected: 0 };
  }

  /** Shutdown: drains the pipeline's open windows into the store. */
  flush(): void {
    this.persist(this.options.pipeline.flush());
  }

  private writeDeadLetters(deadLetters: readonly DeadLetter[]): void {
    if (deadLetters.length === 0) return;
    appendFileSync(this.options.deadLetterFile, deadLetters.map((d) => `${JSON.stringify(d)}\n`).join(""));
    for (const d of deadLetters) this.deadLetters.inc({ reason: reasonLabel(d.reason) });
    this.totals.deadLetters += deadLetters.length;
  }

  private persist(batch: PipelineBatch): void {
    const { logs, incidents, logger } = this.options;
    logs.indexSync(batch.documents);
    for (const event of batch.incidentEvents) incidents.upsertSync(event.incident);
    this.writeDeadLetters(batch.deadLetters);
    this.totals.documents += batch.documents.length;
    this.options.onDocuments(batch.documents.length);
    this.totals.incidentEvents += batch.incidentEvents.length;
    for (const event of batch.incidentEvents) {
      logger.info({ incident: event.incident.id, type: event.type, service: event.incident.service, severity: event.incident.severity }, `incident ${event.type}: ${event.incident.title}`);
      this.options.onIncidentEvent(event);
    }
  }
}

function reasonLabel(reason: string): string {
  return reason.split(":")[0]!.slice(0, 60);
}

function summarize(deadLetters: readonly DeadLetter[]): string {
  const first = deadLetters[0];
  if (!first) return "records rejected";
  return deadLetters.length === 1 ? first.reason : `${first.reason} (and ${deadLetters.length - 1} more)`;
}
