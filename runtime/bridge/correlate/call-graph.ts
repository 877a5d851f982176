import type { LogDocument } from "../../../contracts/records";

/** Attributes naming the service a record talks to (current and legacy semantic conventions, common custom keys), by precedence. */
const PEER_KEYS = ["peer.service", "upstream", "upstream.service", "upstream_service", "server.address", "net.peer.name", "rpc.service"];
/** Parent span id attributes some loggers add; they link a span to its caller's span. By precedence. */
const PARENT_SPAN_KEYS = ["parent_span_id", "parentSpanId", "span.parent_id", "otel.parent_span_id"];

/** Each key's precedence: its place in the list. */
function precedence(keys: readonly string[]): ReadonlyMap<string, number> {
  return new Map(keys.map((key, rank) => [key, rank]));
}
const PEER_RANK = precedence(PEER_KEYS);
const PARENT_SPAN_RANK = precedence(PARENT_SPAN_KEYS);

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

  /** Counts `count` more calls from `caller` to `callee`; returns whether the edge was unknown before (a service calling itself is never kept). */
  addEdge(caller: string, callee: string, count = 1): boolean {
    if (caller === callee) return true;
    let out = this.edges.get(caller);
    if (!out) this.edges.set(caller, (out = new Map()));
    const seen = out.get(callee);
    out.set(callee, (seen ?? 0) + count);
    return seen === undefined;
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

/** The service a peer attribute's value names (`payment-api.shop.svc:8080` -> `payment-api`), or "" when none (an IP address names a host, not a service). */
export function peerNameOf(value: string): string {
  const host = value.replace(/^[a-z]+:\/\//i, "").split(/[:/]/)[0];
  if (/^\d+\.\d+\.\d+\.\d+$/.test(host)) return "";
  return host.split(".")[0];
}

/** Distinct peer values a `PeerNames` remembers; past it the memo starts over. */
const MAX_PEER_VALUES = 4096;

/**
 * `peerOf` with the value-to-name step memoized: a tenant's records name the same few peers over and
 * over, and the regular expressions and splits per record were a measurable share of correlation.
 */
export class PeerNames {
  private names = new Map<string, string>();

  /**
   * The service a record names as its peer, normalized to a service name: `payment-api.shop.svc:8080`
   * and `payment-api:8080` become `payment-api`. Null when the record names none.
   */
  peerOf(doc: LogDocument): string | null {
    return firstReadable(doc.attributes, PEER_RANK, this.peerIn, doc.service);
  }

  /** The service a peer attribute's value names, unless it names none or the record's own (`service`). */
  private readonly peerIn = (value: unknown, service: string): string | null => {
    if (typeof value !== "string" || value === "") return null;
    const name = this.nameOf(value);
    return name === "" || name === service ? null : name;
  };

  private nameOf(value: string): string {
    let name = this.names.get(value);
    if (name === undefined) {
      name = peerNameOf(value);
      if (this.names.size >= MAX_PEER_VALUES) this.names = new Map();
      this.names.set(value, name);
    }
    return name;
  }
}

/** A span id is 16 hex digits, not all zero (the W3C invalid id). */
function isSpanId(v: string): boolean {
  if (v.length !== 16) return false;
  let nonZero = false;
  for (let i = 0; i < 16; i++) {
    const c = v.charCodeAt(i);
    if (c === 48) continue;
    if (!((c >= 49 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70))) return false;
    nonZero = true;
  }
  return nonZero;
}

export function parentSpanOf(doc: LogDocument): string | null {
  return firstReadable(doc.attributes, PARENT_SPAN_RANK, spanIdIn, "")?.toLowerCase() ?? null;
}

function spanIdIn(value: unknown): string | null {
  return typeof value === "string" && isSpanId(value) ? value : null;
}

/**
 * What `read` makes of the value of the record's attribute that comes first in `ranks` among those it
 * can read (null when none). A record is read key by key: it holds a few attributes (most none), and
 * probing it for every listed key cost more than the rest of correlating it.
 */
function firstReadable<T>(
  attributes: Readonly<Record<string, unknown>>,
  ranks: ReadonlyMap<string, number>,
  read: (value: unknown, service: string) => T | null,
  service: string,
): T | null {
  let found: T | null = null;
  let foundRank = ranks.size;
  for (const key in attributes) {
    const rank = ranks.get(key);
    if (rank === undefined || rank >= foundRank) continue;
    const value = read(attributes[key], service);
    if (value === null) continue;
    found = value;
    foundRank = rank;
  }
  return found;
}
