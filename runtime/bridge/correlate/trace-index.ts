/** What one trace has shown so far: which services took part, where spans ran, and the first error per service. */
export interface TraceEntry {
  /** span id -> service */
  spans: Map<string, string>;
  /** service -> event time of its first error record in this trace; null until the trace has one (most never do: one Map less per trace) */
  firstError: Map<string, number> | null;
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

  constructor(private readonly capacity: number) {
    this.ring = new Array<string | undefined>(capacity);
  }

  entry(traceId: string): TraceEntry {
    let e = this.traces.get(traceId);
    if (!e) {
      const evicted = this.ring[this.next];
      if (evicted !== undefined) this.traces.delete(evicted);
      this.ring[this.next] = traceId;
      this.next = (this.next + 1) % this.capacity;
      e = { spans: new Map(), firstError: null };
      this.traces.set(traceId, e);
    }
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
