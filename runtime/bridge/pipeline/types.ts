import type { Rejection } from "../../../contracts/dead-letter";
import type { IncidentEvent, LogDocument } from "../../../contracts/records";
import type { TimeAdjustment } from "../normalize/event-time";
import type { SpanDocument } from "../spans/span-document";

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
}

/**
 * A compact summary of one closed window, exchanged between bridge replicas (each consumes some
 * partitions, so each sees only part of the traffic): which services were failing and the call-graph
 * edges learned since the previous summary.
 */
export interface ContextSummary {
  tenantId: string;
  /** Start of the window in epoch milliseconds (event time). */
  windowStartMs: number;
  windowMs: number;
  failing: { service: string; errors: number; total: number; family: string }[];
  edges: [caller: string, callee: string, count: number][];
  /** Service names seen with logs, so a silent (crashed) service can still be named as root cause. */
  services: string[];
}
