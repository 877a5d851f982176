import type { CallGraph } from "./call-graph";
import { originVotes, type TraceIndex } from "./trace-index";

/** What the root-cause walk may look at for one window. */
export interface PropagationView {
  /** Services whose errors are elevated in the window (here and, via summaries, on other replicas). */
  failing: ReadonlySet<string>;
  graph: CallGraph;
  /** Peers named by a service's error records in the window, with counts. */
  blames(service: string): ReadonlyMap<string, number>;
  errors(service: string): number;
  /** Trace ids of a service's error records in the window. */
  errorTraces(service: string): Iterable<string>;
  traces: TraceIndex;
}

/** A blamed peer must account for this share of a service's errors to be followed. */
const BLAME_SHARE = 0.3;

/**
 * Walks error propagation from `start` toward where it began: to a failing callee (learned call graph)
 * or a peer the errors blame (a service that may have gone silent), repeatedly, preferring peers that
 * are failing and most blamed. When the graph knows nothing, the first service to err in the failing
 * traces decides.
 */
export function findRootCause(start: string, view: PropagationView): string {
  let current = start;
  const visited = new Set([start]);
  for (;;) {
    const next = nextHop(current, view, visited);
    if (next === null) break;
    visited.add(next);
    current = next;
  }
  if (current !== start) return current;
  const votes = originVotes(view.traces, view.errorTraces(start));
  let best = start;
  let bestVotes = votes.get(start) ?? 0;
  for (const [service, n] of [...votes].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    // Errors flow from callee to caller: a known caller of `start` cannot be where its errors began.
    if (service === start || view.graph.hasEdge(service, start)) continue;
    if (view.failing.has(service) && n >= 3 && n > 2 * bestVotes) {
      best = service;
      bestVotes = n;
    }
  }
  return best === start ? start : findRootCause(best, view);
}

function nextHop(service: string, view: PropagationView, visited: ReadonlySet<string>): string | null {
  const errors = view.errors(service);
  const blames = view.blames(service);
  let best: string | null = null;
  let bestScore = 0;
  const consider = (peer: string, score: number) => {
    if (score > bestScore || (score === bestScore && best !== null && peer < best)) {
      best = peer;
      bestScore = score;
    }
  };
  for (const [peer, n] of blames) {
    if (visited.has(peer) || !view.graph.isKnown(peer) || n < Math.max(2, BLAME_SHARE * errors)) continue;
    consider(peer, n + (view.failing.has(peer) ? 1e6 : 0));
  }
  for (const callee of view.graph.callees(service).keys()) {
    if (visited.has(callee) || !view.failing.has(callee)) continue;
    consider(callee, 1e6 + (blames.get(callee) ?? 0));
  }
  return best;
}

/** The failing services whose errors lead to `root` (its blast radius), `root` excluded, sorted. */
export function blastRadius(root: string, candidates: Iterable<string>, view: PropagationView): string[] {
  const out = new Set<string>();
  for (const service of candidates) {
    if (service !== root && findRootCause(service, view) === root) out.add(service);
  }
  return [...out].sort();
}
