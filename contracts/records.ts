/**
 * The data shapes that cross module and process boundaries: the normalized log document
 * (indexed in OpenSearch or the embedded store) and the Incident (ARCHITECTURE.md, contract).
 * Fields may be added, never renamed or removed.
 */

export const SEVERITY_TEXTS = ["trace", "debug", "info", "warn", "error", "fatal"] as const;
export type SeverityText = (typeof SEVERITY_TEXTS)[number];

/** Flattened attribute values: dotted keys, scalars only (arrays and maps are flattened or JSON-encoded). */
export type FlatValue = string | number | boolean | null;
export type FlatAttributes = Record<string, FlatValue>;

/** One normalized log record. Field names are the OpenSearch mapping, hence snake_case. */
export interface LogDocument {
  /** Deterministic document id: the same record replayed yields the same id, so indexing is idempotent. */
  id: string;
  "@timestamp": string;
  observed_timestamp: string | null;
  tenant_id: string;
  service: string;
  service_namespace: string | null;
  environment: string | null;
  host: string | null;
  pod: string | null;
  severity_text: SeverityText;
  severity_number: number;
  message: string;
  template_id: string;
  template: string;
  /** 32 lower-case hex characters, or null when the record carries no (or an all-zero) trace id. */
  trace_id: string | null;
  span_id: string | null;
  http_status: number | null;
  attributes: FlatAttributes;
  resource: FlatAttributes;
  redacted: boolean;
}

/** One span as stored (span store, `logclaw-spans-*`) and scored. Field names are the OpenSearch mapping. */
export interface SpanDocument {
  /** `<trace_id>-<span_id>`: replaying a span never duplicates it. */
  id: string;
  "@timestamp": string;
  tenant_id: string;
  service: string;
  trace_id: string;
  span_id: string;
  parent_span_id: string | null;
  name: string;
  kind: "unspecified" | "internal" | "server" | "client" | "producer" | "consumer";
  start_ms: number;
  end_ms: number;
  duration_ms: number;
  status: "unset" | "ok" | "error";
  status_message: string;
  /** The remote side a client span names (`peer.service`, else `server.address`, else `db.system`); null when none. */
  peer: string | null;
  attributes: FlatAttributes;
  resource: FlatAttributes;
}

export const INCIDENT_SEVERITIES = ["critical", "high", "medium", "low"] as const;
export type IncidentSeverity = (typeof INCIDENT_SEVERITIES)[number];

export type DetectionPath = "immediate" | "windowed";

/** A contribution to an incident's score; extra keys carry the evidence (z-score, matched phrase, ...). */
export interface Signal {
  name: string;
  weight: number;
  [detail: string]: unknown;
}

export interface TimelineEntry {
  /** Event time of the log record (ISO-8601). */
  at: string;
  service: string;
  severity: SeverityText;
  message: string;
  logId: string;
  traceId: string | null;
  templateId: string;
}

/** Why a root-cause candidate ranks where it does: one anomaly it explains. */
export interface CandidateEvidence {
  /** `span_latency`, `span_errors`, or a log signal's name. */
  signal: string;
  /** `service operation`, `caller -> callee`, or the service. */
  what: string;
  /** -log10 of the corrected p-value beyond the false-alarm level, plus one (0 for log signals). */
  surprise: number;
  detail: string;
}

/** One ranked root-cause candidate (Incident contract: `rootCauseCandidates`). */
export interface RootCauseCandidate {
  service: string;
  /** Share of the evidence attributed to this service, in [0, 1]. */
  score: number;
  /** The anomalies that rank it, strongest first (at most five). */
  evidence: CandidateEvidence[];
}

/** Incident (ARCHITECTURE.md, contract). */
export interface Incident {
  id: string;
  fingerprint: string;
  tenant: string;
  service: string;
  rootCauseService: string;
  affectedServices: string[];
  severity: IncidentSeverity;
  score: number;
  path: DetectionPath;
  signals: Signal[];
  firstSeen: string;
  detectedAt: string;
  lastSeen: string;
  traceIds: string[];
  sampleLogIds: string[];
  timeline: TimelineEntry[];
  /** Ranked root-cause candidates, best first (at most three); `rootCauseService` is the first. Always set by the bridge; optional for incidents stored before it existed. */
  rootCauseCandidates?: RootCauseCandidate[];
  /** Added fields (allowed by the contract): lifecycle and the human summary. */
  status: "open" | "resolved";
  title: string;
  /** Failure family that fired (oom, crash, resource_exhaustion, dependency, database, timeout, connection, auth, error_spike, new_error_template ...). */
  family: string;
  templateId: string;
  template: string;
  /** How many detections were merged into this incident. */
  occurrences: number;
  resolvedAt: string | null;
  /**
   * Most error records of the root cause in one detection window over the incident's detections (span
   * detections: anomalous traces). What a "not an incident" verdict dismisses. Absent on older incidents.
   */
  peakErrors?: number;
  /** The people's side (acknowledge, assign, notes, snooze, verdict); added by the HTTP API, never stored by the bridge. */
  workflow?: IncidentWorkflow;
}

export type IncidentVerdict = "confirmed" | "not_an_incident";

export interface IncidentNote {
  at: string;
  author: string;
  text: string;
}

/** One action on an incident, in the order taken. */
export interface WorkflowAction {
  at: string;
  by: string;
  action: "acknowledge" | "assign" | "note" | "snooze" | "resolve" | "not_an_incident" | "confirm";
  detail: string | null;
}

/** What people did with an incident; kept apart from the incident so the bridge's updates never overwrite it. */
export interface IncidentWorkflow {
  incidentId: string;
  tenant: string;
  fingerprint: string;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  /** Free-text owner. */
  assignee: string | null;
  /** Hidden from the open list until then (ISO-8601). */
  snoozedUntil: string | null;
  verdict: IncidentVerdict | null;
  verdictReason: string | null;
  verdictAt: string | null;
  notes: IncidentNote[];
  history: WorkflowAction[];
  /** For "not an incident": the evidence dismissed (the incident's peak errors and the services it reached). */
  dismissed: { peakErrors: number; services: string[] } | null;
  updatedAt: string;
}

/**
 * A "not an incident" verdict as detection uses it: the fingerprint stays closed unless its evidence
 * grows beyond what was dismissed (runtime/bridge/lifecycle/feedback.ts). `lifted` undoes one.
 */
export interface DetectionFeedback {
  tenant: string;
  fingerprint: string;
  incidentId: string;
  kind: "dismissed" | "lifted";
  peakErrors: number;
  services: string[];
}

/** What the bridge publishes on the `incidents` topic and hands to the ticketing agent. */
export interface IncidentEvent {
  type: "opened" | "updated" | "resolved";
  incident: Incident;
}

/** A record that could not be processed, with the reason, published on `dead-letter`. */
export interface DeadLetter {
  reason: string;
  /** Where the bad input was (topic/partition/offset, receiver, file:line). */
  source: string;
  /** The offending payload, truncated for transport. */
  payload: string;
  at: string;
}
