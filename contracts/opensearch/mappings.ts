import { INCIDENTS_INDEX, LOG_INDEX_PATTERN, SPAN_INDEX_PATTERN } from "./index-names";

/** Index settings that differ between a one-node test cluster and a tenant cluster. */
export interface IndexSettings {
  /** Replicas per shard; 1 on tenant clusters (3 nodes and up). */
  replicas: number;
  shards: number;
}

const keyword = { type: "keyword" } as const;
const date = { type: "date", format: "strict_date_optional_time||epoch_millis" } as const;

/**
 * Explicit mappings of the normalized log document (ARCHITECTURE.md). `attributes` and `resource`
 * hold arbitrary flattened dotted keys: `flat_object` keeps them searchable without one mapping
 * per key (no mapping explosion, no object/scalar conflicts between `http` and `http.status`).
 */
export function logDocumentMappings() {
  return {
    dynamic: "false",
    properties: {
      "@timestamp": date,
      observed_timestamp: date,
      tenant_id: keyword,
      service: keyword,
      service_namespace: keyword,
      environment: keyword,
      host: keyword,
      pod: keyword,
      severity_text: keyword,
      severity_number: { type: "byte" },
      message: { type: "text" },
      template_id: keyword,
      template: { type: "text", fields: { keyword: { type: "keyword", ignore_above: 2048 } } },
      trace_id: keyword,
      span_id: keyword,
      http_status: { type: "short" },
      attributes: { type: "flat_object" },
      resource: { type: "flat_object" },
      redacted: { type: "boolean" },
    },
  } as const;
}

/**
 * Explicit mappings of the span document (contracts/records.ts `SpanDocument`): ids and names as
 * keywords for trace lookups and per-operation aggregations, times as doubles (sub-millisecond).
 */
export function spanDocumentMappings() {
  const double = { type: "double" } as const;
  return {
    dynamic: "false",
    properties: {
      "@timestamp": date,
      tenant_id: keyword,
      service: keyword,
      trace_id: keyword,
      span_id: keyword,
      parent_span_id: keyword,
      name: keyword,
      kind: keyword,
      start_ms: double,
      end_ms: double,
      duration_ms: double,
      status: keyword,
      status_message: { type: "text" },
      peer: keyword,
      attributes: { type: "flat_object" },
      resource: { type: "flat_object" },
    },
  } as const;
}

/**
 * How often the daily log and span indices make new documents searchable. 30 s, not OpenSearch's
 * 1 s: at thousands of documents a second a refresh a second makes a small segment a second to merge
 * again, and the node then spent about 1.4x the CPU per document (`npm run bench -- e2e`). The bridge
 * refreshes them itself before it publishes incident events, so the samples and exemplar spans an
 * incident names are searchable when the ticketing agent reads them; other reads (log search, the
 * dashboard) see a document within 30 s of its indexing.
 */
export const LOG_REFRESH_INTERVAL = "30s";

function dailyIndexTemplate<M>(pattern: string, settings: IndexSettings, mappings: M) {
  return {
    index_patterns: [pattern],
    priority: 100,
    template: {
      settings: {
        number_of_shards: settings.shards,
        number_of_replicas: settings.replicas,
        refresh_interval: LOG_REFRESH_INTERVAL,
      },
      mappings,
    },
    _meta: { managed_by: "logclaw-bridge" },
  };
}

/** The composable index template for `logclaw-logs-*`. */
export function logIndexTemplate(settings: IndexSettings) {
  return dailyIndexTemplate(LOG_INDEX_PATTERN, settings, logDocumentMappings());
}

/** The composable index template for `logclaw-spans-*`. */
export function spanIndexTemplate(settings: IndexSettings) {
  return dailyIndexTemplate(SPAN_INDEX_PATTERN, settings, spanDocumentMappings());
}

/** The incident index: the Incident contract; evidence objects are kept in `_source`, not indexed. */
export function incidentsIndexBody(settings: IndexSettings) {
  return {
    settings: { number_of_shards: 1, number_of_replicas: settings.replicas },
    mappings: {
      dynamic: "false",
      properties: {
        id: keyword,
        fingerprint: keyword,
        tenant: keyword,
        service: keyword,
        rootCauseService: keyword,
        affectedServices: keyword,
        severity: keyword,
        score: { type: "float" },
        path: keyword,
        signals: { type: "object", enabled: false },
        firstSeen: date,
        detectedAt: date,
        lastSeen: date,
        traceIds: keyword,
        sampleLogIds: keyword,
        timeline: { type: "object", enabled: false },
        status: keyword,
        title: { type: "text" },
        family: keyword,
        templateId: keyword,
        template: { type: "text" },
        occurrences: { type: "integer" },
        resolvedAt: date,
      },
    },
  };
}

export { INCIDENTS_INDEX };
