import type { DeadLetter, IncidentEvent, LogDocument, SpanDocument } from "../../contracts/records";
import type { OtlpEncoding, OtlpSignal } from "../bridge/decode";
import type { BatchResult, ContextSummary } from "../bridge/pipeline";

/**
 * The ports of the pipeline runner. A source hands it {@link SourceRecord}s (an OTLP logs or traces
 * request from a receiver, a Kafka message); the detection core turns them into log and span
 * documents, incident events and rejections; sinks store what came out. Local mode and the Kafka bridge are two assemblies of these
 * ports (runtime/services/local, runtime/services/bridge).
 */

/** One unit of input: an OTLP export request as it arrived. */
export interface SourceRecord {
  /** OTLP/JSON as text (a dead letter then carries it readable) or bytes. */
  payload: Uint8Array | string;
  encoding: OtlpEncoding;
  /** Which export request the payload is (the receiver's path or service, the Kafka topic); default logs. */
  signal?: OtlpSignal;
  /** Where it came from (topic/partition@offset, receiver and peer): ends up in dead letters. */
  source: string;
  /**
   * When it was received (wall clock; a Kafka record's timestamp): records' own times are believed
   * only near it. Absent in a replay, which then stays deterministic.
   */
  receivedMs?: number;
}

/** The detection core as the runner drives it (`BridgePipeline`). */
export interface DetectionCore {
  /**
   * An OTLP logs payload: decoded by the core itself, so OTLP/JSON records become documents in one pass
   * (no intermediate request). Malformed records are rejected alone; an unusable payload yields one
   * rejection and `unusable`.
   */
  processOtlp(payload: Uint8Array | string, encoding: OtlpEncoding, source: string, receivedMs?: number): BatchResult;
  /** An OTLP traces payload, decoded like `processOtlp`'s. The result carries the span documents. */
  processTraces(payload: Uint8Array | string, encoding: OtlpEncoding, source: string, receivedMs?: number): BatchResult;
  /** Live mode: the wall clock closes windows and resolves quiet incidents while no traffic arrives. */
  tick(nowMs: number): BatchResult;
  /** End of input or shutdown: closes the open windows in event time. */
  flush(): BatchResult;
  /** Summaries of the windows closed since the last call (one per window): the bridge shares them with other replicas. */
  takeContextSummaries(): ContextSummary[];
}

/** A document the log sink refused for good (mapping conflict, too large): it becomes a dead letter. */
export interface RefusedDocument {
  doc: LogDocument;
  reason: string;
}

export interface LogSink {
  /** Stores the documents idempotently (by id); resolves once stored, with what was refused for good. */
  write(documents: LogDocument[]): Promise<{ stored: number; refused: RefusedDocument[] }>;
}

/** A span the span sink refused for good: it becomes a dead letter. */
export interface RefusedSpan {
  span: SpanDocument;
  reason: string;
}

export interface SpanSink {
  /** Stores spans idempotently (by id) as they come in; resolves once stored, with what was refused for good. */
  write(spans: SpanDocument[]): Promise<{ stored: number; refused: RefusedSpan[] }>;
}

export interface IncidentSink {
  /** Stores (and hands on) incident events in order; resolves once stored. */
  write(events: IncidentEvent[]): Promise<void>;
}

export interface DeadLetterSink {
  write(deadLetters: DeadLetter[]): Promise<void>;
}

export interface PipelineSinks {
  logs: LogSink;
  spans: SpanSink;
  incidents: IncidentSink;
  deadLetters: DeadLetterSink;
}
