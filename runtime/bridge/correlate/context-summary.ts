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
  failing: FailingService[];
  edges: [caller: string, callee: string, count: number][];
  /** Service names seen with logs, so a silent (crashed) service can still be named as root cause. */
  services: string[];
  /**
   * Span detections handed to the pipeline that consumes their root cause's logs (opaque here; see
   * runtime/bridge/detect/span-handover.ts). Absent when there are none.
   */
  spanDetections?: unknown[];
}

/** A service failing in one window, as another replica reports it. */
export interface FailingService {
  service: string;
  errors: number;
  total: number;
  family: string;
}
