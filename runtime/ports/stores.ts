import type { Incident, LogDocument, SeverityText } from "../../contracts/records";

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
