import type { LogDocument } from "../../../contracts/records";
import { CallGraph, parentSpanOf, PeerNames } from "./call-graph";
import type { ContextSummary, FailingService } from "./context-summary";
import type { PropagationView } from "./root-cause";
import { TraceIndex } from "./trace-index";

const MAX_PENDING_SUMMARIES = 360;

/** What correlation reads of one service's closed window. */
export interface WindowEvidence {
  errors: number;
  /** Peers named by the service's error records, with counts. */
  blames: Record<string, number>;
  errorTraces: string[];
}

/** The correlator's part of a pipeline checkpoint (recent traces are not kept: they only matter for minutes). */
export interface CallGraphState {
  services: string[];
  edges: [string, string, number][];
}

/**
 * The correlation stage's memory: the call graph and recent traces learned from records, the edges
 * learned since the last context summary, and the services other replicas report failing, so each
 * replica correlates with the whole tenant's context though it sees only some partitions.
 */
export class Correlator {
  private readonly graph = new CallGraph();
  private readonly peers = new PeerNames();
  private readonly traces: TraceIndex;
  private pendingEdges = new Map<string, number>();
  /** Failing services reported by other replicas, by window index. */
  private readonly remoteFailing = new Map<number, Set<string>>();
  private readonly outbox: ContextSummary[] = [];

  constructor(
    private readonly tenantId: string,
    options: { maxTraces: number },
    state?: CallGraphState,
  ) {
    this.traces = new TraceIndex(options.maxTraces);
    if (state) this.addGraph(state.services, state.edges);
  }

  /** Learns the record's service, the call-graph edges it shows and its trace membership; returns the peer it names when that is a known service. */
  learn(doc: LogDocument, isError: boolean, timeMs: number): string | null {
    if (!this.graph.isKnown(doc.service)) this.graph.addService(doc.service);
    const peer = this.peers.peerOf(doc);
    if (peer !== null) this.observeEdge(doc.service, peer);
    if (doc.trace_id !== null) {
      const entry = this.traces.entry(doc.trace_id);
      if (doc.span_id !== null) entry.setSpan(doc.span_id, doc.service);
      const parent = parentSpanOf(doc);
      const parentService = parent === null ? undefined : entry.serviceOf(parent);
      if (parentService !== undefined && parentService !== doc.service) this.observeEdge(parentService, doc.service);
      if (isError) {
        const firstError = (entry.firstError ??= new Map());
        if (!firstError.has(doc.service)) firstError.set(doc.service, timeMs);
      }
    }
    return peer !== null && this.graph.isKnown(peer) ? peer : null;
  }

  /** Edges new to this replica go out with the next context summary. */
  private observeEdge(caller: string, callee: string): void {
    if (this.graph.addEdge(caller, callee)) {
      const key = `${caller}\u0000${callee}`;
      this.pendingEdges.set(key, (this.pendingEdges.get(key) ?? 0) + 1);
    }
  }

  /** What the root-cause walk sees of one closed window. */
  view(failing: ReadonlySet<string>, services: ReadonlyMap<string, WindowEvidence>): PropagationView {
    return {
      failing,
      graph: this.graph,
      blames: (s) => new Map(Object.entries(services.get(s)?.blames ?? {})),
      errors: (s) => services.get(s)?.errors ?? 0,
      errorTraces: (s) => services.get(s)?.errorTraces ?? [],
      traces: this.traces,
    };
  }

  /** Failing services next to `service` in the call graph (either direction), sorted. */
  failingNeighbours(service: string, failing: ReadonlySet<string>): string[] {
    return [...failing].filter((s) => s !== service && (this.graph.hasEdge(service, s) || this.graph.hasEdge(s, service))).sort();
  }

  /** Services other replicas reported failing in window `index`. */
  remoteFailingIn(index: number): ReadonlySet<string> {
    return this.remoteFailing.get(index) ?? EMPTY;
  }

  /**
   * Folds another replica's window summary in: its call-graph edges and services always; its failing
   * services unless its window (`index`) closed here long ago (`past`).
   */
  apply(summary: ContextSummary, index: number, past: boolean): void {
    if (summary.tenantId !== this.tenantId) return;
    this.addGraph(summary.services, summary.edges);
    if (past) return;
    let set = this.remoteFailing.get(index);
    if (!set) this.remoteFailing.set(index, (set = new Set()));
    for (const f of summary.failing) set.add(f.service);
  }

  /** Whether `service` was seen with logs, here or by another replica. */
  hasLogged(service: string): boolean {
    return this.graph.isKnown(service);
  }

  /** Forgets other replicas' reports of windows before `index`. */
  forgetBefore(index: number): void {
    for (const key of [...this.remoteFailing.keys()]) if (key < index) this.remoteFailing.delete(key);
  }

  /**
   * Queues the summary of one closed window for other replicas, with the edges learned since the
   * previous one and the span detections this pipeline hands over (`spanDetections`, when any).
   */
  summarize(windowStartMs: number, windowMs: number, failing: FailingService[], services: string[], spanDetections: readonly unknown[] = []): void {
    const edges = [...this.pendingEdges]
      .map(([key, n]): [string, string, number] => {
        const [caller, callee] = key.split("\u0000");
        return [caller, callee, n];
      })
      .sort((a, b) => (a[0] === b[0] ? (a[1] < b[1] ? -1 : 1) : a[0] < b[0] ? -1 : 1));
    this.pendingEdges = new Map();
    this.outbox.push({ tenantId: this.tenantId, windowStartMs, windowMs, failing, edges, services, ...(spanDetections.length > 0 ? { spanDetections: [...spanDetections] } : {}) });
    // Nobody may be collecting (a replay): keep only the most recent hour at 10 s windows.
    if (this.outbox.length > MAX_PENDING_SUMMARIES) this.outbox.splice(0, this.outbox.length - MAX_PENDING_SUMMARIES);
  }

  /** Summaries of windows closed since the last call. */
  takeSummaries(): ContextSummary[] {
    return this.outbox.splice(0, this.outbox.length);
  }

  exportState(): CallGraphState {
    return { services: this.graph.knownServices(), edges: this.graph.edgeList() };
  }

  private addGraph(services: readonly string[], edges: readonly [string, string, number][]): void {
    for (const s of services) this.graph.addService(s);
    for (const [caller, callee, n] of edges) this.graph.addEdge(caller, callee, n);
  }
}

const EMPTY: ReadonlySet<string> = new Set();
