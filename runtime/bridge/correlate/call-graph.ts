import type { LogDocument } from "../../../contracts/records";

/** Attributes naming the service a record talks to (current and legacy semantic conventions, common custom keys). */
const PEER_KEYS = ["peer.service", "upstream", "upstream.service", "upstream_service", "server.address", "net.peer.name", "rpc.service"];
/** Parent span id attributes some loggers add; they link a span to its caller's span. */
const PARENT_SPAN_KEYS = ["parent_span_id", "parentSpanId", "span.parent_id", "otel.parent_span_id"];

/**
 * The service call graph (caller -> callee, with how often each edge was seen), learned from peer
 * attributes and from parent/child spans across services.
 */
export class CallGraph {
  private readonly edges = new Map<string, Map<string, number>>();
  private readonly known = new Set<string>();

  addService(service: string): void {
    this.known.add(service);
  }

  isKnown(service: string): boolean {
    return this.known.has(service);
  }

  addEdge(caller: string, callee: string, count = 1): void {
    if (caller === callee) return;
    let out = this.edges.get(caller);
    if (!out) this.edges.set(caller, (out = new Map()));
    out.set(callee, (out.get(callee) ?? 0) + count);
  }

  callees(service: string): ReadonlyMap<string, number> {
    return this.edges.get(service) ?? EMPTY;
  }

  hasEdge(caller: string, callee: string): boolean {
    return this.edges.get(caller)?.has(callee) ?? false;
  }

  /** Every edge, sorted, for state and cross-replica summaries. */
  edgeList(): [string, string, number][] {
    const out: [string, string, number][] = [];
    for (const [caller, callees] of this.edges) for (const [callee, n] of callees) out.push([caller, callee, n]);
    return out.sort((a, b) => (a[0] === b[0] ? (a[1] < b[1] ? -1 : 1) : a[0] < b[0] ? -1 : 1));
  }

  knownServices(): string[] {
    return [...this.known].sort();
  }
}

const EMPTY: ReadonlyMap<string, number> = new Map();

/**
 * The service a record names as its peer, normalized to a service name: `payment-api.shop.svc:8080`
 * and `payment-api:8080` become `payment-api`. Null when the record names none.
 */
export function peerOf(doc: LogDocument): string | null {
  for (const key of PEER_KEYS) {
    const v = doc.attributes[key];
    if (typeof v !== "string" || v === "") continue;
    const host = v.replace(/^[a-z]+:\/\//i, "").split(/[:/]/)[0];
    // An IP address names a host, not a service.
    if (/^\d+\.\d+\.\d+\.\d+$/.test(host)) continue;
    const name = host.split(".")[0];
    if (name && name !== doc.service) return name;
  }
  return null;
}

export function parentSpanOf(doc: LogDocument): string | null {
  for (const key of PARENT_SPAN_KEYS) {
    const v = doc.attributes[key];
    if (typeof v === "string" && /^[0-9a-fA-F]{16}$/.test(v) && !/^0+$/.test(v)) return v.toLowerCase();
  }
  return null;
}
