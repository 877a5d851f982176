/**
 * Production storage on the tenant's OpenSearch cluster: the client factory, the index lifecycle
 * (templates, retention policies, incident and state indices) and the {@link LogStore} /
 * {@link SpanStore} / {@link IncidentStore} implementations.
 */
export { createOpenSearchClient, type OpenSearchConnection } from "./client";
export { ensureIndexLifecycle, type LifecycleOptions, type LifecycleResult } from "./bootstrap";
export { isRetriable, reasonOf, statusOf } from "./errors";
export * from "../../../contracts/opensearch/index-names";
export { incidentsIndexBody, logDocumentMappings, logIndexTemplate, spanDocumentMappings, spanIndexTemplate, type IndexSettings } from "../../../contracts/opensearch/mappings";
export { retentionPolicy } from "../../../contracts/opensearch/retention";
export { OpenSearchLogStore, logSearchBody } from "./log-store";
export { OpenSearchIncidentStore } from "./incident-store";
export { OpenSearchWorkflowStore, ensureWorkflowIndex } from "./workflow-store";
export { OpenSearchSpanStore } from "./span-store";
