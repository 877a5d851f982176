import type { CandidateEvidence, RootCauseCandidate } from "../../../contracts/records";
import { quantityKey, type SpanAnomaly } from "../spans/span-signals";

export type { CandidateEvidence, RootCauseCandidate };

const MAX_EVIDENCE = 5;

/** How far below the window's significance level an anomaly is, in decimal orders (>= 0). */
export function surpriseOf(a: SpanAnomaly, alpha: number): number {
  return Math.max(0, -Math.log10(Math.max(a.p * a.tests, Number.MIN_VALUE)) + Math.log10(alpha)) + 1;
}

function describe(a: SpanAnomaly): { what: string; detail: string } {
  const q = a.quantity;
  const what = q.kind === "op" ? `${q.service} ${q.name}` : `${q.caller} -> ${q.callee}`;
  const quantity = q.kind === "op" ? "self time" : "call gap";
  const detail =
    a.signal === "latency"
      ? `${quantity}: median ${a.median} ms over ${a.n} spans, ${a.prior ? "all calls' gaps" : "baseline"} p50 ${a.baselineP50} ms / p99 ${a.baselineP99} ms (t = ${a.t})`
      : `${a.failed} of ${a.n} failed (baseline ratio ${a.baselineRatio})`;
  return { what, detail };
}

/**
 * Ranks the services of one window by the span anomalies they explain. An operation's anomaly is its
 * service's own. A call's anomaly (its gap or its callee's failure) lies between two services; which
 * one explains it shows in their other calls: a callee at fault makes its calls from every caller
 * anomalous, a caller at fault makes its calls to every callee anomalous. So a call's evidence is
 * split between the two ends in proportion to the anomalous share of the callee's inbound calls and of
 * the caller's outbound calls (TraceRCA's idea, per window). A caller's error whose callee failed is
 * already the callee's (span-signals: errors are owned by the deepest failing span).
 */
export function rankRootCauses(anomalies: readonly SpanAnomaly[], activity: ReadonlyMap<string, ReadonlySet<string>>, alpha: number): RootCauseCandidate[] {
  const anomalousKeys = new Set(anomalies.map((a) => quantityKey(a.quantity)));
  /** Anomalous share of a service's calls in one direction (keys `call\0caller\0callee`). */
  const share = (service: string, inbound: boolean): number => {
    let active = 0;
    let anomalous = 0;
    for (const key of activity.get(service) ?? []) {
      const [kind, caller, callee] = key.split("\u0000");
      if (kind !== "call" || (inbound ? callee : caller) !== service) continue;
      active++;
      if (anomalousKeys.has(key)) anomalous++;
    }
    return active === 0 ? 0 : anomalous / active;
  };
  const scores = new Map<string, { score: number; asCallee: number; evidence: (CandidateEvidence & { weight: number })[] }>();
  const credit = (service: string, weight: number, a: SpanAnomaly, surprise: number, asCallee = false) => {
    if (weight <= 0) return;
    let entry = scores.get(service);
    if (!entry) scores.set(service, (entry = { score: 0, asCallee: 0, evidence: [] }));
    entry.score += weight;
    if (asCallee) entry.asCallee += weight;
    entry.evidence.push({ signal: `span_${a.signal}`, ...describe(a), surprise: round(surprise), weight });
  };
  for (const a of anomalies) {
    const surprise = surpriseOf(a, alpha);
    const q = a.quantity;
    if (q.kind === "op") {
      credit(q.service, surprise, a, surprise);
      continue;
    }
    const caller = share(q.caller, false);
    const callee = share(q.callee, true);
    const total = caller + callee;
    credit(q.caller, total === 0 ? surprise / 2 : (surprise * caller) / total, a, surprise);
    credit(q.callee, total === 0 ? surprise / 2 : (surprise * callee) / total, a, surprise, true);
  }
  const sum = [...scores.values()].reduce((acc, s) => acc + s.score, 0) || 1;
  return [...scores]
    // Equal evidence (one caller, one callee, nothing else to tell them apart): the callee first, as
    // the caller's span measured time spent waiting on it.
    .sort(([a, x], [b, y]) => y.score - x.score || y.asCallee - x.asCallee || (a < b ? -1 : 1))
    .map(([service, s]) => ({
      service,
      score: round(s.score / sum),
      evidence: s.evidence
        .sort((x, y) => y.weight - x.weight)
        .slice(0, MAX_EVIDENCE)
        .map(({ weight: _weight, ...e }) => e),
    }))
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
