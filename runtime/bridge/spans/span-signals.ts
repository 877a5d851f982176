import type { SpanDocument } from "./span-document";
import { Baseline, MIN_BASELINE_WINDOWS } from "./tail-test";

/** Windows a window waits before its values are learned (30 s at 10 s windows). */
export const QUARANTINE_WINDOWS = 3;
/**
 * Windows tested together (30 s at 10 s windows): a quiet call path carries a span or two per window,
 * too few for any single window to tell a slow service from one slow span; the test still runs every
 * window, so detection is not delayed when a path is busy.
 */
export const POOLED_WINDOWS = 3;

/**
 * Span signals in event-time windows. Two quantities per window, each against its own baseline:
 * - an operation's **self time** (its duration minus the time covered by its children): the service
 *   whose own work got slower, not the callers that only inherit the delay;
 * - a call's **gap** (the caller's span minus the callee's span, per cross-service parent/child):
 *   time spent between two services, where network delay and a callee's slow response path show.
 * plus error ratios: a span's own error (its children did not fail) and a call whose callee failed.
 * Each is tested with a binomial tail against its baseline (see tail-test.ts); the tests of a window
 * share one family-wise error rate (Bonferroni), and a quantity's values join its baseline only when
 * its window was not significant, so a failure does not teach the baseline that it is normal. A
 * call without enough history of its own is judged against all calls' gaps (`callGaps`).
 */

export interface SpanSignalOptions {
  windowMs: number;
  /** Family-wise false-alarm probability of one window's tests. */
  alpha: number;
  /** Traces kept for joining parents and children (oldest forgotten first). */
  maxTraces: number;
}

export type Quantity = { kind: "op"; service: string; name: string } | { kind: "call"; caller: string; callee: string };

export interface SpanAnomaly {
  quantity: Quantity;
  signal: "latency" | "errors";
  /** p-value of the test, before the window's correction. */
  p: number;
  /** How many tests the window ran (the Bonferroni factor). */
  tests: number;
  n: number;
  /** Median of the window's values (ms). */
  median: number;
  /** Latency: baseline spreads above normal, values above the baseline p99, and the baseline's p50/p99 (ms). */
  t?: number;
  exceeding?: number;
  baselineP50?: number;
  baselineP99?: number;
  /** Errors: failing spans in the window and the baseline ratio. */
  failed?: number;
  baselineRatio?: number;
  /** Trace ids of the slowest or failing spans, for exemplar traces. */
  exemplars: string[];
  /** Judged against all calls' gaps (the quantity had too little history of its own). */
  prior?: true;
}

export interface SpanWindowResult {
  index: number;
  anomalies: SpanAnomaly[];
  /** Quantities seen in the window per service (its operations and its calls, both directions). */
  activity: Map<string, Set<string>>;
}

interface Held {
  traceId: string;
  spanId: string;
  service: string;
  name: string;
  kind: SpanDocument["kind"];
  start: number;
  end: number;
  error: boolean;
  peer: string | null;
}

interface TraceEntry {
  children: Map<string, Held[]>;
  lastMs: number;
}

interface Sample {
  quantity: Quantity;
  values: number[];
  errors: number;
  /** [value, traceId] of the largest values and of failing spans (a few). */
  slowest: [number, string][];
  failing: string[];
}

const EXEMPLARS = 3;

export function quantityKey(q: Quantity): string {
  return q.kind === "op" ? `op\u0000${q.service}\u0000${q.name}` : `call\u0000${q.caller}\u0000${q.callee}`;
}

/** The services a quantity belongs to: an operation to its service, a call to both ends. */
export function servicesOf(q: Quantity): string[] {
  return q.kind === "op" ? [q.service] : [q.caller, q.callee];
}

/** Length of the union of intervals, clipped to [from, to]. */
export function coveredMs(intervals: readonly [number, number][], from: number, to: number): number {
  const clipped = intervals
    .map(([a, b]): [number, number] => [Math.max(a, from), Math.min(b, to)])
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  let total = 0;
  let cs = Number.NEGATIVE_INFINITY;
  let ce = Number.NEGATIVE_INFINITY;
  for (const [a, b] of clipped) {
    if (a > ce) {
      if (ce > cs) total += ce - cs;
      cs = a;
      ce = b;
    } else if (b > ce) ce = b;
  }
  if (ce > cs) total += ce - cs;
  return total;
}

export class SpanSignals {
  private readonly traces = new Map<string, TraceEntry>();
  private readonly windows = new Map<number, Held[]>();
  private readonly baselines = new Map<string, Baseline>();
  /**
   * Every call's gap windows together: the prior for a call without enough history of its own (a
   * path taken a few times a minute has none when a failure starts). A gap is network time and the
   * two ends' request handling outside their spans, of one order across a system's calls, so their
   * window means spread little around a common level and a gap far above all of them is telling (a
   * call to something without spans counts whole, which only widens the prior). An
   * operation's self time has no such common level (a cache read and a report differ by 10^4), so
   * operations are only ever judged against their own history.
   */
  private readonly callGaps = new Baseline();
  /** The last POOLED_WINDOWS windows' values per quantity: a window is tested together with them. */
  private recent = new Map<string, { index: number; values: number[]; errors: number }[]>();
  /** Windows waiting to be learned, oldest first (see QUARANTINE_WINDOWS). */
  private pending: { index: number; key: string; values: number[]; errors: number }[] = [];

  constructor(private readonly options: SpanSignalOptions) {}

  /** Holds a span for the window its end time falls in (the pipeline decides the index, shared with logs). */
  add(doc: SpanDocument, index: number): void {
    const held: Held = {
      traceId: doc.trace_id,
      spanId: doc.span_id,
      service: doc.service,
      name: doc.name,
      kind: doc.kind,
      start: doc.start_ms,
      end: doc.end_ms,
      error: doc.status === "error",
      peer: doc.peer,
    };
    let w = this.windows.get(index);
    if (!w) this.windows.set(index, (w = []));
    w.push(held);
    let t = this.traces.get(doc.trace_id);
    if (t) this.traces.delete(doc.trace_id);
    else t = { children: new Map(), lastMs: 0 };
    // Re-inserted so the map's order is least recently touched first.
    this.traces.set(doc.trace_id, t);
    t.lastMs = Math.max(t.lastMs, doc.end_ms);
    if (doc.parent_span_id !== null) {
      const siblings = t.children.get(doc.parent_span_id);
      if (siblings) siblings.push(held);
      else t.children.set(doc.parent_span_id, [held]);
    }
    if (this.traces.size > this.options.maxTraces) {
      const oldest = this.traces.keys().next().value as string;
      this.traces.delete(oldest);
    }
  }

  /** Indexes of windows holding spans. */
  openWindows(): number[] {
    return [...this.windows.keys()];
  }

  /** Services seen in spans of window `index` (without closing it). */
  servicesIn(index: number): Set<string> {
    return new Set((this.windows.get(index) ?? []).map((h) => h.service));
  }

  /** Scores window `index` against the baselines, then learns from it. Children must have arrived (they end first). */
  close(index: number): SpanWindowResult {
    const held = this.windows.get(index) ?? [];
    this.windows.delete(index);
    const samples = new Map<string, Sample>();
    const sample = (q: Quantity): Sample => {
      const key = quantityKey(q);
      let s = samples.get(key);
      if (!s) samples.set(key, (s = { quantity: q, values: [], errors: 0, slowest: [], failing: [] }));
      return s;
    };
    const observe = (s: Sample, value: number, error: boolean, traceId: string) => {
      s.values.push(value);
      if (error) {
        s.errors += 1;
        if (s.failing.length < EXEMPLARS && !s.failing.includes(traceId)) s.failing.push(traceId);
      }
      if (s.slowest.length < EXEMPLARS) s.slowest.push([value, traceId]);
      else if (value > s.slowest[EXEMPLARS - 1][0]) s.slowest[EXEMPLARS - 1] = [value, traceId];
      s.slowest.sort((a, b) => b[0] - a[0]);
    };
    for (const h of held) {
      const children = this.traces.get(h.traceId)?.children.get(h.spanId) ?? [];
      const duration = Math.max(0, h.end - h.start);
      let remote = false;
      for (const c of children) {
        if (c.service === h.service) continue;
        remote = true;
        observe(sample({ kind: "call", caller: h.service, callee: c.service }), duration - Math.max(0, c.end - c.start), c.error, h.traceId);
      }
      if (remote) continue;
      // A call to something that reported no span for it (a database, a third-party API, or a service
      // that dropped the request before its handler ran): its time and failure lie between the two
      // services, not in the caller's own work.
      if (h.peer !== null && h.peer !== h.service && (h.kind === "client" || h.kind === "producer")) {
        observe(sample({ kind: "call", caller: h.service, callee: h.peer }), duration, h.error, h.traceId);
        continue;
      }
      // A span that calls another service spends its uncovered time between the two: that is the
      // call's gap, observed above, not work of its own. Any other span's self time is its service's.
      const self = Math.max(0, duration - coveredMs(children.map((c) => [c.start, c.end]), h.start, h.end));
      // The deepest failing span owns an error; a span whose child failed only relays it.
      observe(sample({ kind: "op", service: h.service, name: h.name }), self, h.error && !children.some((c) => c.error), h.traceId);
    }

    const tests: { sample: Sample; pooled: number[]; errors: number; baseline: Baseline; signal: "latency" | "errors"; prior: boolean }[] = [];
    for (const [key, s] of samples) {
      let history = this.recent.get(key);
      if (!history) this.recent.set(key, (history = []));
      history.push({ index, values: s.values, errors: s.errors });
      while (history.length > 0 && history[0].index <= index - POOLED_WINDOWS) history.shift();
      const own = this.baselines.get(key);
      const pooled = history.flatMap((h) => h.values);
      const errors = history.reduce((acc, h) => acc + h.errors, 0);
      if (!own || own.windowCount < MIN_BASELINE_WINDOWS) {
        // A call too rare to have a history of its own is judged against every call's gap (below).
        if (s.quantity.kind === "call" && this.callGaps.windowCount >= MIN_BASELINE_WINDOWS) tests.push({ sample: s, pooled, errors, baseline: this.callGaps, signal: "latency", prior: true });
        continue;
      }
      tests.push({ sample: s, pooled, errors, baseline: own, signal: "latency", prior: false });
      // A window without errors cannot reject, so it does not count against the correction (Tarone).
      if (s.errors > 0) tests.push({ sample: s, pooled, errors, baseline: own, signal: "errors", prior: false });
    }
    for (const [key, history] of this.recent) if (history[history.length - 1].index <= index - POOLED_WINDOWS) this.recent.delete(key);
    const m = tests.length;
    const anomalies: SpanAnomaly[] = [];
    const flagged = new Set<string>();
    for (const t of tests) {
      const s = t.sample;
      const median = medianOf(t.pooled);
      const base = { quantity: s.quantity, tests: m, n: t.pooled.length, median: round(median), ...(t.prior ? { prior: true as const } : {}) };
      if (t.signal === "latency") {
        const r = t.baseline.latency(t.pooled);
        if (r.p * m >= this.options.alpha) continue;
        anomalies.push({ ...base, signal: "latency", p: r.p, t: r.t, exceeding: r.exceeding, baselineP50: r.baselineP50, baselineP99: r.baselineP99, exemplars: s.slowest.map(([, id]) => id) });
      } else {
        const r = t.baseline.errors(t.errors, t.pooled.length);
        if (r.p * m >= this.options.alpha) continue;
        anomalies.push({ ...base, signal: "errors", p: r.p, failed: t.errors, baselineRatio: r.baselineRatio, exemplars: s.failing });
      }
      flagged.add(quantityKey(s.quantity));
    }

    const activity = new Map<string, Set<string>>();
    for (const [key, s] of samples) {
      if (!flagged.has(key)) this.pending.push({ index, key, values: s.values, errors: s.errors });
      for (const service of servicesOf(s.quantity)) {
        let set = activity.get(service);
        if (!set) activity.set(service, (set = new Set()));
        set.add(key);
      }
    }
    this.learnPending(index, flagged);

    // Traces that ended well before this window can no longer gain children of an open window.
    const horizon = (index - 2) * this.options.windowMs;
    for (const [id, t] of this.traces) {
      if (t.lastMs >= horizon) break;
      this.traces.delete(id);
    }
    anomalies.sort((a, b) => a.p - b.p || (quantityKey(a.quantity) < quantityKey(b.quantity) ? -1 : 1));
    return { index, anomalies, activity };
  }

  /**
   * A failure often starts with windows too thin to be significant; learning them at once would teach
   * the baseline the failure. So a window is learned only after QUARANTINE_WINDOWS more windows, and
   * dropped if its quantity was flagged meanwhile.
   */
  private learnPending(index: number, flagged: ReadonlySet<string>): void {
    if (flagged.size > 0) {
      this.pending = this.pending.filter((w) => !flagged.has(w.key));
      // A flagged quantity's pooled windows are the failure's: they must not vouch for the next test.
      for (const key of flagged) this.recent.get(key)?.splice(0, Math.max(0, (this.recent.get(key)?.length ?? 1) - 1));
    }
    let done = 0;
    while (done < this.pending.length && this.pending[done].index <= index - QUARANTINE_WINDOWS) {
      const w = this.pending[done++];
      let b = this.baselines.get(w.key);
      if (!b) this.baselines.set(w.key, (b = new Baseline()));
      b.learn(w.values, w.errors);
      if (w.key.startsWith("call\u0000")) this.callGaps.learn(w.values, w.errors);
    }
    if (done > 0) this.pending.splice(0, done);
  }
}

function medianOf(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
