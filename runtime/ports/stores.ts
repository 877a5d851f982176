import type { Incident, IncidentWorkflow, LogDocument, SeverityText, SpanDocument } from "../../contracts/records";

/**
 * Storage seams: local mode implements them on the embedded store, production on OpenSearch.
 * Logic above them (bridge sinks, ticketing evidence, the HTTP API) never knows which.
 */

export interface LogQuery {
  /** Full-text query over the message. */
  q?: string;
  service?: string;
  severity?: SeverityText;
  /** Inclusive lower bound on `@timestamp` (ISO-8601). */
  from?: string;
  /** Inclusive upper bound on `@timestamp` (ISO-8601). */
  to?: string;
  traceIds?: string[];
  ids?: string[];
  /** Defaults to 100; implementations cap it. */
  limit?: number;
}

/** The read side of the log store; the pipeline runner writes through its log sink (runtime/runner/ports.ts). */
export interface LogStore {
  /** Newest first. */
  search(query: LogQuery): Promise<LogDocument[]>;
}

/** Top-level document fields a query may filter on (LogDocument names). */
export const LOG_DOC_FIELDS = [
  "service",
  "service_namespace",
  "environment",
  "host",
  "pod",
  "severity_text",
  "severity_number",
  "trace_id",
  "span_id",
  "template_id",
  "http_status",
] as const;
export type LogDocField = (typeof LOG_DOC_FIELDS)[number];
/** Fields whose values are numbers (compared numerically). */
export const NUMERIC_LOG_FIELDS: readonly LogDocField[] = ["severity_number", "http_status"];

/**
 * Where a filter looks: a document field, one attribute or resource key (flattened, dotted), or
 * `any`: the key in attributes or in resource.
 */
export type LogFieldRef = { scope: "doc"; name: LogDocField } | { scope: "attributes" | "resource" | "any"; key: string };

export type LogFilterOp = "eq" | "gt" | "gte" | "lt" | "lte" | "exists";

/** One `field OP value` condition of a parsed log query; `negate` turns it into "must not". */
export interface LogFilter {
  field: LogFieldRef;
  op: LogFilterOp;
  /** Strings compare exactly; numbers compare numerically (`eq` on a number also matches its text form). Unused for `exists`. */
  value: string | number;
  negate: boolean;
}

/** Free text that must (or, negated, must not) occur in the message: a word (prefix match) or a quoted phrase. */
export interface LogTextTerm {
  text: string;
  phrase: boolean;
  negate: boolean;
}

/** A log query beyond `LogQuery`'s basic fields: the parsed query syntax, tenant scope, order and cursor. */
export interface LogSearch extends Omit<LogQuery, "q" | "limit"> {
  /** Only this tenant's documents. */
  tenant: string;
  filters: LogFilter[];
  terms: LogTextTerm[];
  /** `desc` (newest first, the default) or `asc` (oldest first: a trace read in order). */
  order: "desc" | "asc";
  /** Opaque position from a previous page's `nextCursor`. */
  cursor?: string;
  limit: number;
}

export interface LogPage {
  logs: LogDocument[];
  /** Every match of the query (without cursor and limit). */
  total: number;
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

export interface LogContext {
  record: LogDocument;
  /** Up to N records of the same service just before it, oldest first. */
  before: LogDocument[];
  /** Up to N records of the same service just after it, oldest first. */
  after: LogDocument[];
}

export interface LogVolumeBucket {
  /** Bucket start (ISO-8601). */
  at: string;
  total: number;
  /** Records of severity error or fatal. */
  errors: number;
}

/** A cursor the store cannot read (another store's, or tampered with). */
export class InvalidCursorError extends Error {}

/** Log exploration (the HTTP API's `/api/logs` family): paged search with totals, context, volume. */
export interface LogExplorer {
  page(search: LogSearch): Promise<LogPage>;
  /** The record and its neighbours in the same service and tenant; null when it does not exist (for this tenant). */
  context(tenant: string, id: string, before: number, after: number): Promise<LogContext | null>;
  /** Counts of matching records per `bucketMs` over [from, to] (both required), oldest first, empty buckets included. */
  histogram(search: LogSearch & { from: string; to: string }, bucketMs: number): Promise<LogVolumeBucket[]>;
}

/** Most spans one trace answer holds (a trace with more is cut, its earliest spans kept). */
export const MAX_TRACE_SPANS = 2000;

/** The read side of the span store; the pipeline runner writes through its span sink. */
export interface SpanStore {
  /** The stored spans of one trace (32 lower-case hex), earliest start first; empty when none is stored. */
  trace(traceId: string): Promise<SpanDocument[]>;
}

export interface IncidentQuery {
  /** Only incidents with `detectedAt` >= since. */
  since?: string;
  limit?: number;
}

export interface IncidentStore {
  /** Insert or replace by `id`. */
  upsert(incident: Incident): Promise<void>;
  /** Newest `detectedAt` first. */
  list(query: IncidentQuery): Promise<Incident[]>;
  get(id: string): Promise<Incident | null>;
}

/** New documents as they are stored, for the live tail; each call gets one stored batch. */
export interface LogTail {
  subscribe(listener: (documents: readonly LogDocument[]) => void): () => void;
}

/** What people did with incidents (acknowledge, assign, notes, snooze, verdicts), per tenant and incident id. */
export interface WorkflowStore {
  get(tenant: string, incidentId: string): Promise<IncidentWorkflow | null>;
  /** Insert or replace by (tenant, incidentId). */
  save(workflow: IncidentWorkflow): Promise<void>;
  /** The workflows of these incidents that exist. */
  many(tenant: string, incidentIds: readonly string[]): Promise<IncidentWorkflow[]>;
  /** Every workflow with a verdict: the counts in /metrics and the dismissals detection re-applies at start. */
  withVerdict(tenant: string): Promise<IncidentWorkflow[]>;
}

/** The workflows a detection replica follows: verdicts made through another process's API. */
export interface WorkflowChanges {
  /**
   * `since` null: every workflow with a verdict. Otherwise every workflow (with a verdict or not, so
   * an undone verdict is seen) whose `updatedAt` is at or after `since`, oldest first.
   */
  changedSince(tenant: string, since: string | null): Promise<IncidentWorkflow[]>;
}
