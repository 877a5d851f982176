import type { LogDocument } from "../../../contracts/records";
import type { ExportLogsServiceRequest, OtlpEncoding, RejectedRecord } from "../decode";
import { decodeOtlpTraces, type ExportTraceServiceRequest } from "../decode/otlp-traces";
import { immediateDetection, type Detection } from "../detect";
import { assessRecord } from "../detect/record-signals";
import { addToWindow, timelineEntryOf } from "../detect/window";
import { spanDocuments } from "../spans/span-document";
import { decodedRecords, readLogRecords, type RecordWalk } from "./log-records";
import { createStages, prepareSpan, prepareRecord, stagesState, type Stages } from "./stages";
import { pipelineStateSchema, type PipelineState } from "./state";
import { emptyResult, rejectRecords, unusablePayload, type BatchResult, type BridgePipelineOptions, type ContextSummary } from "./types";

/**
 * The detection core, driven only by the records' own timestamps (same input, same output). It only orchestrates the stages
 * (./stages.ts): decode -> normalize and redact -> template -> window (event clock) -> detect -> correlate -> incident lifecycle.
 */
export class BridgePipeline {
  private readonly s: Stages;

  constructor(options: BridgePipelineOptions, state?: PipelineState) {
    this.s = createStages(options, state);
  }

  /** Rebuilds a pipeline from validated `exportState()` output; pass the miner restored from the same checkpoint, so template ids stay the same. */
  static restore(options: BridgePipelineOptions, state: unknown): BridgePipeline {
    return new BridgePipeline(options, pipelineStateSchema.parse(state));
  }

  /** `receivedMs` is when the payload was received (wall clock, or the Kafka record's timestamp); each record's event time is believed
   *  only within the tuning's bounds around it. Without it (replay), a record's observed time, else the previous one's, stands in. */
  processOtlp(payload: Uint8Array | string, encoding: OtlpEncoding, source: string, receivedMs?: number): BatchResult {
    const read = readLogRecords(this.s, payload, encoding);
    return read.ok ? this.processRecords(read.records, source, read.rejected, receivedMs) : unusablePayload(payload, source, read.error);
  }

  /** Processes a decoded request; `rejected` are records the decoder skipped (they become dead letters). */
  processRequest(request: ExportLogsServiceRequest, source: string, rejected: readonly RejectedRecord[] = [], receivedMs?: number): BatchResult {
    return this.processRecords(decodedRecords(this.s, request), source, rejected, receivedMs);
  }

  /** Each record through normalize and the template miner, then detection; its document joins the result. */
  private processRecords(records: RecordWalk, source: string, rejected: readonly RejectedRecord[], receivedMs: number | undefined): BatchResult {
    const result = emptyResult();
    this.s.clock.received(receivedMs);
    rejectRecords(result, rejected, "invalid_record", source);
    records((ctx, scopeName, record) => {
      const normalized = prepareRecord(this.s, ctx, scopeName, record, receivedMs);
      if (normalized.timeAdjustment !== null) result.timeAdjustments[normalized.timeAdjustment] += 1;
      this.processDocument(normalized.document, normalized.timeMs, result);
      result.documents.push(normalized.document);
      result.accepted += 1;
    }, (bad) => rejectRecords(result, [bad], "invalid_record", source));
    return result;
  }

  /** An OTLP traces payload: spans become documents and feed the span signals of the same event-time windows as logs. */
  processTraces(payload: Uint8Array | string, encoding: OtlpEncoding, source: string, receivedMs?: number): BatchResult {
    const decoded = decodeOtlpTraces(payload, encoding);
    return decoded.ok ? this.processTraceRequest(decoded.request, source, decoded.rejected, receivedMs) : unusablePayload(payload, source, decoded.error);
  }

  /** A decoded traces request: spans become redacted documents, placed in event time (prepareSpan), and feed the span signals. */
  processTraceRequest(request: ExportTraceServiceRequest, source: string, rejected: readonly RejectedRecord[] = [], receivedMs?: number): BatchResult {
    const spans = spanDocuments(request, this.s.tenantId);
    const result: BatchResult = { ...emptyResult(), spans, accepted: spans.length };
    rejectRecords(result, rejected, "invalid_span", source);
    for (const doc of spans) this.s.spans.add(doc, this.windowFor(prepareSpan(this.s, doc, receivedMs, result.timeAdjustments), result));
    return result;
  }

  /** End of input: closes every window that holds data, in event time. */
  flush(): BatchResult {
    const result = emptyResult();
    const newest = this.s.windows.newest();
    if (newest !== null) this.closeWindows(newest, result);
    this.emit(this.s.handover.takeIncoming(this.s.ownership, Number.POSITIVE_INFINITY), result);
    return result;
  }

  /** Live mode: the runner's clock moves event time on while no traffic arrives, so windows close and incidents resolve; replays never call this. */
  tick(nowMs: number): BatchResult {
    const result = emptyResult();
    const due = this.s.clock.tick(nowMs);
    if (due === null) return result;
    this.closeWindows(due, result);
    result.incidentEvents.push(...this.s.incidents.resolveQuiet((due + 1) * this.s.tuning.windowMs));
    return result;
  }

  /** Open incidents, oldest first. */
  openIncidents() {
    return this.s.incidents.open();
  }

  /** Summaries of windows closed since the last call, for other replicas. */
  takeContextSummaries(): ContextSummary[] {
    return this.s.correlator.takeSummaries();
  }

  /** Folds another replica's window summary in: its call-graph edges, services, failing services and handed-over span detections (returns how many were unusable). */
  applyContextSummary(summary: ContextSummary): number {
    const index = this.s.clock.indexOf(summary.windowStartMs);
    this.s.correlator.apply(summary, index, this.s.clock.isPast(index));
    return summary.tenantId === this.s.tenantId && Array.isArray(summary.spanDetections) ? this.s.handover.receive(summary.spanDetections) : 0;
  }

  exportState(): PipelineState {
    return stagesState(this.s);
  }

  private processDocument(doc: LogDocument, timeMs: number, result: BatchResult): void {
    const assessment = assessRecord(doc, true);
    const peer = this.s.correlator.learn(doc, assessment.isError, timeMs);
    const windowErrors = addToWindow(this.s.windows.serviceWindow(this.windowFor(timeMs, result), doc.service), doc, assessment, timeMs, peer);
    this.s.detector.observe(doc.service, timeMs);
    if (assessment.isError) this.s.incidents.evidence(timelineEntryOf(doc), timeMs);
    if (assessment.immediate) this.emit({ ...immediateDetection(doc, assessment, timeMs, peer), errorCount: windowErrors }, result);
  }

  /** Advances event time to `timeMs`, closing the windows the watermark passed; returns the open window `timeMs` joins. */
  private windowFor(timeMs: number, result: BatchResult): number {
    const due = this.s.clock.advance(timeMs);
    if (due !== null) this.closeWindows(due, result);
    return this.s.clock.windowOf(timeMs);
  }

  /** Closes windows up to `through` (inclusive), oldest first: spans judged (they root a mix-only log detection), logs, then spans emitted, then quiet incidents resolve. */
  private closeWindows(through: number, result: BatchResult): void {
    const { windows, detector, correlator, incidents, spans, clock, tuning, handover, ownership } = this.s;
    for (const w of windows.take(through)) {
      const span = spans.close(w.index);
      const outcome = detector.close(w.index, w.services, correlator, incidents, (d) => this.emit(d, result), span);
      this.emit(handover.takeIncoming(ownership, w.endMs), result);
      this.emit(handover.route(span, ownership) ?? [], result);
      result.incidentEvents.push(...incidents.resolveQuiet(w.endMs));
      correlator.summarize(w.startMs, tuning.windowMs, outcome.failing, outcome.services, handover.takeOutgoing());
    }
    clock.closed(through);
    correlator.forgetBefore(through - 2);
    this.emit(handover.takeIncoming(ownership, clock.closedEndMs()), result);
  }

  private emit(detections: Detection | readonly Detection[], result: BatchResult): void {
    for (const detection of Array.isArray(detections) ? detections : [detections]) {
      const event = this.s.incidents.handle(detection);
      if (event) result.incidentEvents.push(event);
    }
  }
}
