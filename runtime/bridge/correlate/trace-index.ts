/** Spans one trace keeps as a flat list before it switches to a Map (most traces have a handful). */
const MAX_LISTED_SPANS = 16;

/**
 * What one trace has shown so far: which service ran each span, and the first error per service.
 * Nearly every record opens or touches one, so it is kept small: span ids and services alternate in
 * one array (a Map per trace cost a third of correlation), and only a trace with many spans gets a Map.
 */
export class TraceEntry {
  /** span id, service, span id, service, ... while the trace has at most MAX_LISTED_SPANS spans */
  private listed: string[] = [];
  /** span id -> service once the trace has more spans */
  private mapped: Map<string, string> | null = null;
  /** service -> event time of its first error record in this trace; null until the trace has one (most never do) */
  firstError: Map<string, number> | null = null;

  /** Notes that span `spanId` ran in `service` (a later record of the same span overrides). */
  setSpan(spanId: string, service: string): void {
    if (this.mapped !== null) {
      this.mapped.set(spanId, service);
      return;
    }
    const listed = this.listed;
    for (let i = 0; i < listed.length; i += 2) {
      if (listed[i] === spanId) {
        listed[i + 1] = service;
        return;
      }
    }
    if (listed.length < 2 * MAX_LISTED_SPANS) {
      listed.push(spanId, service);
      return;
    }
    this.mapped = new Map();
    for (let i = 0; i < listed.length; i += 2) this.mapped.set(listed[i], listed[i + 1]);
    this.mapped.set(spanId, service);
    this.listed = [];
  }

  /** The service that ran span `spanId`, if the trace has shown it. */
  serviceOf(spanId: string): string | undefined {
    if (this.mapped !== null) return this.mapped.get(spanId);
    const listed = this.listed;
    for (let i = 0; i < listed.length; i += 2) if (listed[i] === spanId) return listed[i + 1];
    return undefined;
  }
}

/**
 * Recent traces, bounded: the oldest trace is forgotten first, so memory stays flat however long the
 * replay runs. A ring of ids decides eviction (taking the first key of a Map that keeps losing its
 * oldest keys costs time proportional to the deleted entries in V8).
 */
export class TraceIndex {
  private readonly traces = new Map<string, TraceEntry>();
  private readonly ring: (string | undefined)[];
  private next = 0;
  /**
   * The trace of the latest `entry` call: a request's records often come one after another, and
   * comparing ids is cheaper than hashing one. It is never evicted, since only a new trace evicts.
   */
  private lastId: string | null = null;
  private last: TraceEntry | null = null;

  constructor(private readonly capacity: number) {
    this.ring = new Array<string | undefined>(capacity);
  }

  entry(traceId: string): TraceEntry {
    if (traceId === this.lastId && this.last !== null) return this.last;
    let e = this.traces.get(traceId);
    if (!e) {
      const evicted = this.ring[this.next];
      if (evicted !== undefined) this.traces.delete(evicted);
      this.ring[this.next] = traceId;
      this.next = (this.next + 1) % this.capacity;
      e = new TraceEntry();
      this.traces.set(traceId, e);
    }
    this.lastId = traceId;
    this.last = e;
    return e;
  }

  get(traceId: string): TraceEntry | undefined {
    return this.traces.get(traceId);
  }
}

/**
 * In each failing trace the service that erred first is where the failure started (callers fail after
 * their callee does). Returns votes per service over the given traces.
 */
export function originVotes(index: TraceIndex, traceIds: Iterable<string>): Map<string, number> {
  const votes = new Map<string, number>();
  for (const id of traceIds) {
    const e = index.get(id);
    if (!e || e.firstError === null || e.firstError.size < 2) continue;
    let best: string | null = null;
    let bestAt = Infinity;
    for (const [service, at] of e.firstError) {
      if (at < bestAt || (at === bestAt && best !== null && service < best)) {
        best = service;
        bestAt = at;
      }
    }
    if (best !== null) votes.set(best, (votes.get(best) ?? 0) + 1);
  }
  return votes;
}
