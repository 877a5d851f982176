import type { Dismissals } from "../lifecycle/feedback";
import type { Rejection } from "../../../contracts/dead-letter";
import type { OtlpDecodeError, RejectedRecord } from "../decode";
import type { DetectionTuningInput } from "../detect/tuning";
import type { RedactionConfig } from "../redact";
import type { TemplateMiner } from "../template/types";
import type { IncidentEvent, LogDocument } from "../../../contracts/records";
import type { TimeAdjustment } from "../normalize/event-time";
import type { SpanDocument } from "../spans/span-document";

export type { ContextSummary } from "../correlate/context-summary";

export interface BridgePipelineOptions {
  tenantId: string;
  /** The tenant file's `redaction` section; default: enabled with the default rules. */
  redaction?: RedactionConfig;
  /** The online template miner (`createTemplateMiner()`, or `restoreTemplateMiner(state.miner)` on restart). */
  miner: TemplateMiner;
  tuning?: DetectionTuningInput;
  /**
   * People's "not an incident" verdicts for this tenant, owned by the host (local mode applies each
   * verdict the API takes, and every stored one at start); default: none.
   */
  dismissals?: Dismissals;
}

/** What one call into the pipeline produced. */
export interface BatchResult {
  /** Accepted records, normalized, redacted and templated, in input order. */
  documents: LogDocument[];
  /** Accepted spans as documents, in input order (traces payloads only). */
  spans?: SpanDocument[];
  /** Incidents opened, updated (escalated, grown, reopened) and resolved, in event-time order. */
  incidentEvents: IncidentEvent[];
  /**
   * Payloads and records that could not be processed, each with its reason; the runner stamps them
   * into dead letters with its clock (the core has none).
   */
  rejections: Rejection[];
  accepted: number;
  rejected: number;
  /** Accepted records not placed at their own timestamp, by reason (`placeEventTime`). */
  timeAdjustments: Record<TimeAdjustment, number>;
  /** Set when the payload was unusable as a whole (the OTLP receivers answer 400 for it); its one rejection carries it. */
  unusable?: OtlpDecodeError;
}

export function emptyResult(): BatchResult {
  return { documents: [], incidentEvents: [], rejections: [], accepted: 0, rejected: 0, timeAdjustments: { ahead: 0, behind: 0, unset: 0, invalid: 0 } };
}

/** The result of a payload that could not be decoded at all: one rejection carrying the payload. */
export function unusablePayload(payload: Uint8Array | string, source: string, error: OtlpDecodeError): BatchResult {
  const result = emptyResult();
  result.rejected = 1;
  result.unusable = error;
  const text = typeof payload === "string" ? payload : Buffer.from(payload).toString("base64");
  result.rejections.push({ reason: `${error.reason}: ${error.message}`, source, payload: text });
  return result;
}

/** Records the decoder skipped in a usable payload: each becomes a rejection (`kind`: `invalid_record`, `invalid_span`). */
export function rejectRecords(result: BatchResult, rejected: readonly RejectedRecord[], kind: string, source: string): void {
  for (const r of rejected) {
    result.rejected += 1;
    result.rejections.push({ reason: `${kind}: ${r.reason}`, source: `${source} ${r.path}`, payload: r.payload });
  }
}
