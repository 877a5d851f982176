import type { Signal } from "../../../contracts/records";
import { rankRootCauses, type RootCauseCandidate } from "../correlate/rank-candidates";
import type { SpanDocument } from "../spans/span-document";
import { POOLED_WINDOWS, quantityKey, SpanSignals, type SpanAnomaly } from "../spans/span-signals";

/**
 * Span-based detection for the pipeline's event-time windows: span signals scored per window,
 * services ranked by the anomalies they explain, and a detection per anomalous window. A window's
 * verdicts share one family-wise false-alarm rate `alpha`; a new incident needs the same top
 * candidate in two windows whose pooled samples do not overlap (POOLED_WINDOWS to 2 * POOLED_WINDOWS
 * apart: two independent rejections, so about alpha^2 per window pair under the baseline; consecutive
 * windows share most of their pooled spans, so one short blip, such as callers retrying through a
 * 20 s restart, could lead both), while an open incident takes every anomalous window as further
 * evidence.
 */

export interface SpanDetectorOptions {
  windowMs: number;
  alpha: number;
  maxTraces: number;
  maxTraceIds: number;
}

export interface SpanDetection {
  rootCauseService: string;
  /** The other ends of the root's anomalous calls (its callers and callees that felt it). */
  affectedServices: string[];
  candidates: RootCauseCandidate[];
  /**
   * Whether this may open a new incident: the top candidate also led a window POOLED_WINDOWS to
   * 2 * POOLED_WINDOWS earlier (an independent test, see LEAD_WINDOWS), and its anomalies hold at
   * least two spans beyond their baseline p99 or failing (one span far out is the heavy tail every
   * service has).
   */
  sustained: boolean;
  family: "latency" | "span_errors";
  /** A stable key of the root's strongest anomaly, for the fingerprint (`template_id` of log detections). */
  templateId: string;
  template: string;
  score: number;
  signals: Signal[];
  traceIds: string[];
  detectedAtMs: number;
  firstSeenMs: number;
}

/**
 * How far back the independent earlier window may lie: its pool disjoint from this window's (at least
 * POOLED_WINDOWS back) and at most one pool's length before it (2 * POOLED_WINDOWS back). A quiet
 * call path (a few calls a minute) leaves windows without spans, or too few to reject, between two
 * that reject; requiring the earlier one exactly POOLED_WINDOWS back asked a sparse failure to reject
 * in two windows a fixed distance apart. Under the baseline each of the POOLED_WINDOWS + 1 earlier
 * windows rejects with the same top candidate with probability at most alpha, independently of this
 * one: at most (POOLED_WINDOWS + 1) * alpha^2 per window (4e-6 at alpha 0.001).
 */
const LEAD_WINDOWS = 2 * POOLED_WINDOWS;

export class SpanDetector {
  private readonly signals: SpanSignals;
  /** Top candidate of each recent anomalous window, by index (the last LEAD_WINDOWS + 1 windows). */
  private readonly tops = new Map<number, string>();

  constructor(private readonly options: SpanDetectorOptions) {
    this.signals = new SpanSignals({ windowMs: options.windowMs, alpha: options.alpha, maxTraces: options.maxTraces });
  }

  add(doc: SpanDocument, index: number): void {
    this.signals.add(doc, index);
  }

  /** Window indexes that hold spans. */
  openWindows(): number[] {
    return this.signals.openWindows();
  }

  /** Closes window `index`; null when nothing in it is anomalous. */
  close(index: number): SpanDetection | null {
    const result = this.signals.close(index);
    if (result.anomalies.length === 0) return null;
    const candidates = rankRootCauses(result.anomalies, result.activity, this.options.alpha);
    const root = candidates[0].service;
    let led = false;
    for (let k = index - LEAD_WINDOWS; k <= index - POOLED_WINDOWS && !led; k++) led = this.tops.get(k) === root;
    this.tops.set(index, root);
    for (const k of this.tops.keys()) if (k < index - LEAD_WINDOWS) this.tops.delete(k);
    const own = result.anomalies.filter((a) => involves(a, root));
    const outlying = own.reduce((n, a) => n + (a.signal === "latency" ? (a.exceeding ?? 0) : (a.failed ?? 0)), 0);
    const sustained = led && outlying >= 2;
    const lead = own[0] ?? result.anomalies[0];
    const errors = own.some((a) => a.signal === "errors");
    const endMs = (index + 1) * this.options.windowMs;
    const strongest = Math.max(...result.anomalies.map((a) => a.tests * a.p));
    return {
      rootCauseService: root,
      affectedServices: [...new Set(own.flatMap((a) => (a.quantity.kind === "call" ? [a.quantity.caller, a.quantity.callee] : [])))].filter((s) => s !== root).sort(),
      candidates: candidates.slice(0, 3),
      sustained,
      family: errors ? "span_errors" : "latency",
      templateId: `span:${quantityKey(lead.quantity).replace(/\u0000/g, ":")}`,
      template: candidates[0].evidence[0]?.detail ?? "",
      // How far below the window's false-alarm level the strongest test went, mapped to [0.5, 1].
      score: round(Math.min(1, 0.5 + Math.max(0, Math.log10(this.options.alpha / Math.max(strongest, Number.MIN_VALUE))) / 20)),
      signals: own.slice(0, 5).map((a) => signalOf(a)),
      traceIds: [...new Set(own.flatMap((a) => a.exemplars))].slice(0, this.options.maxTraceIds),
      detectedAtMs: endMs,
      firstSeenMs: index * this.options.windowMs,
    };
  }
}

function involves(a: SpanAnomaly, service: string): boolean {
  const q = a.quantity;
  return q.kind === "op" ? q.service === service : q.caller === service || q.callee === service;
}

function signalOf(a: SpanAnomaly): Signal {
  const q = a.quantity;
  return {
    name: a.signal === "latency" ? (q.kind === "op" ? "span_self_time" : "span_call_gap") : "span_errors",
    weight: round(Math.min(0.5, -Math.log10(Math.max(a.p * a.tests, Number.MIN_VALUE)) / 40)),
    ...(q.kind === "op" ? { service: q.service, operation: q.name } : { caller: q.caller, callee: q.callee }),
    n: a.n,
    medianMs: a.median,
    ...(a.signal === "latency" ? { baselineP50Ms: a.baselineP50, baselineP99Ms: a.baselineP99, t: a.t } : { failed: a.failed, baselineRatio: a.baselineRatio }),
    p: Number((a.p * a.tests).toPrecision(3)),
  };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
