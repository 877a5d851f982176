/**
 * Production storage on the tenant's OpenSearch cluster: the client factory, the index lifecycle
 * (template, retention policy, incident and state indices) and the {@link LogStore} /
 * {@link IncidentStore} implementations.
 */
export { createOpenSearchClient, type OpenSearchConnection } from "./client";
export { ensureIndexLifecycle, type LifecycleOptions, type LifecycleResult } from "./bootstrap";
export { isRetriable, reasonOf, statusOf } from "./errors";
export * from "../../../contracts/opensearch/index-names";
export { incidentsIndexBody, logDocumentMappings, logIndexTemplate, type IndexSettings } from "../../../contracts/opensearch/mappings";
export { logRetentionPolicy } from "../../../contracts/opensearch/retention";
export { OpenSearchLogStore, logSearchBody } from "./log-store";
export { OpenSearchIncidentStore } from "./incident-store";
export { OpenSearchWorkflowStore, ensureWorkflowIndex } from "./workflow-store";
