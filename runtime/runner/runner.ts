import { deadLetter, type Rejection } from "../../contracts/dead-letter";
import type { DeadLetter, IncidentEvent, LogDocument, SpanDocument } from "../../contracts/records";
import type { OtlpDecodeError } from "../bridge/decode";
import type { TimeAdjustment } from "../bridge/normalize";
import type { BatchResult, ContextSummary } from "../bridge/pipeline";
import type { DetectionCore, PipelineSinks, SourceRecord } from "./ports";

/** What the core made of some source records, before it is written to the sinks. */
export interface ProcessedBatch {
  documents: LogDocument[];
  spans: SpanDocument[];
  incidentEvents: IncidentEvent[];
  rejections: Rejection[];
  accepted: number;
  rejected: number;
  /** Source records that were unusable as a whole (the OTLP receivers answer 400 for these). */
  unusable: OtlpDecodeError[];
  /** Accepted records not placed at their own timestamp, by reason. */
  timeAdjustments: Record<TimeAdjustment, number>;
  /** One summary per detection window the core closed (the bridge shares them with other replicas). */
  summaries: ContextSummary[];
}

/** A batch once the sinks acknowledged it. */
export interface DeliveredBatch {
  documents: LogDocument[];
  spans: SpanDocument[];
  incidentEvents: IncidentEvent[];
  deadLetters: DeadLetter[];
  accepted: number;
  rejected: number;
  /** Log documents stored. */
  stored: number;
  storedSpans: number;
  timeAdjustments: Record<TimeAdjustment, number>;
  /** Detection windows the core closed (by later records, the wall clock or a flush). */
  windowsClosed: number;
}

export interface PipelineRunnerOptions {
  core: DetectionCore;
  /** Stamps dead letters: the one clock of the runner (the core runs on event time and has none). */
  clock: () => Date;
}

function emptyBatch(): ProcessedBatch {
  return { documents: [], spans: [], incidentEvents: [], rejections: [], accepted: 0, rejected: 0, unusable: [], summaries: [], timeAdjustments: { ahead: 0, behind: 0, unset: 0, invalid: 0 } };
}

function payloadText(record: SourceRecord): string {
  return typeof record.payload === "string" ? record.payload : Buffer.from(record.payload).toString(record.encoding === "json" ? "utf8" : "base64");
}

/**
 * The one pipeline runner: source records (logs or traces) -> decode -> detection core -> sinks (log
 * store, span store, incident events, dead letters). Processing is synchronous and pure of I/O;
 * `deliver` writes in a fixed order (documents, spans, then incident events, then dead letters,
 * including what the stores refused), so an acknowledgement upstream always follows stored results
 * and an incident's exemplar spans are stored before the incident is.
 */
export class PipelineRunner {
  constructor(private readonly options: PipelineRunnerOptions) {}

  /** Runs source records through the core. A record that is empty or makes the core throw is rejected, never lost. */
  process(records: readonly SourceRecord[]): ProcessedBatch {
    const batch = emptyBatch();
    for (const record of records) {
      if (record.payload.length === 0) {
        batch.rejections.push({ reason: "empty_message: no value", source: record.source, payload: "" });
        continue;
      }
      try {
        const { core } = this.options;
        const result =
          record.signal === "traces"
            ? core.processTraces(record.payload, record.encoding, record.source, record.receivedMs)
            : core.processOtlp(record.payload, record.encoding, record.source, record.receivedMs);
        if (result.unusable) {
          batch.rejected += 1;
          batch.unusable.push(result.unusable);
          batch.rejections.push({ reason: `${result.unusable.reason}: ${result.unusable.message}`, source: record.source, payload: payloadText(record) });
          continue;
        }
        add(batch, result);
      } catch (err) {
        // A record that makes the core throw must not stall its source: it is dead-lettered with the error.
        batch.rejections.push({ reason: `pipeline_error: ${err instanceof Error ? err.message : String(err)}`, source: record.source, payload: payloadText(record) });
      }
    }
    return this.withSummaries(batch);
  }

  /** End of input or shutdown: what the core's open windows still hold. */
  flush(): ProcessedBatch {
    const batch = emptyBatch();
    add(batch, this.options.core.flush());
    return this.withSummaries(batch);
  }

  /** Live mode: what the wall clock closes while no traffic arrives. */
  tick(nowMs: number): ProcessedBatch {
    const batch = emptyBatch();
    add(batch, this.options.core.tick(nowMs));
    return this.withSummaries(batch);
  }

  /** Takes the summaries of the windows the core closed, so none pile up where no replica reads them (local mode). */
  private withSummaries(batch: ProcessedBatch): ProcessedBatch {
    for (const s of this.options.core.takeContextSummaries()) batch.summaries.push(s);
    return batch;
  }

  /** Writes a processed batch to the sinks; `label` prefixes the source of refused documents' dead letters. */
  async deliver(batch: ProcessedBatch, sinks: PipelineSinks, label: string): Promise<DeliveredBatch> {
    const { stored, refused } = batch.documents.length > 0 ? await sinks.logs.write(batch.documents) : { stored: 0, refused: [] };
    const spans = batch.spans.length > 0 ? await sinks.spans.write(batch.spans) : { stored: 0, refused: [] };
    const at = this.options.clock();
    const deadLetters = batch.rejections.map((r) => deadLetter(r, at));
    for (const r of refused) deadLetters.push(deadLetter({ reason: r.reason, source: `${label} doc ${r.doc.id}`, payload: JSON.stringify(r.doc) }, at));
    for (const r of spans.refused) deadLetters.push(deadLetter({ reason: r.reason, source: `${label} span ${r.span.id}`, payload: JSON.stringify(r.span) }, at));
    if (batch.incidentEvents.length > 0) await sinks.incidents.write(batch.incidentEvents);
    if (deadLetters.length > 0) await sinks.deadLetters.write(deadLetters);
    return {
      documents: batch.documents,
      spans: batch.spans,
      incidentEvents: batch.incidentEvents,
      deadLetters,
      accepted: batch.accepted,
      rejected: batch.rejected,
      stored,
      storedSpans: spans.stored,
      timeAdjustments: batch.timeAdjustments,
      windowsClosed: batch.summaries.length,
    };
  }
}

function add(batch: ProcessedBatch, r: BatchResult): void {
  for (const d of r.documents) batch.documents.push(d);
  if (r.spans) for (const s of r.spans) batch.spans.push(s);
  for (const e of r.incidentEvents) batch.incidentEvents.push(e);
  for (const x of r.rejections) batch.rejections.push(x);
  batch.accepted += r.accepted;
  batch.rejected += r.rejected;
  for (const k of Object.keys(r.timeAdjustments) as TimeAdjustment[]) batch.timeAdjustments[k] += r.timeAdjustments[k];
}
