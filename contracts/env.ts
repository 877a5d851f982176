/**
 * The container contract between the TenantStack (infra/tenant-stack/env.ts sets them) and the bridge /
 * ticketing containers (runtime/services/env.ts and each service's config.ts read them): one image
 * (`logclaw bridge`, `logclaw ticketing`), configured only through these variables.
 */
export const CONTAINER_ENV = {
  tenantId: "LOGCLAW_TENANT_ID",
  tenantFile: "LOGCLAW_TENANT_FILE",
  httpPort: "LOGCLAW_HTTP_PORT",
  kafkaBrokers: "LOGCLAW_KAFKA_BROKERS",
  kafkaSaslMechanism: "LOGCLAW_KAFKA_SASL_MECHANISM",
  kafkaUsername: "LOGCLAW_KAFKA_USERNAME",
  kafkaPassword: "LOGCLAW_KAFKA_PASSWORD",
  kafkaCaFile: "LOGCLAW_KAFKA_CA_FILE",
  openSearchUrl: "LOGCLAW_OPENSEARCH_URL",
  openSearchUsername: "LOGCLAW_OPENSEARCH_USERNAME",
  openSearchPassword: "LOGCLAW_OPENSEARCH_PASSWORD",
  openSearchCaFile: "LOGCLAW_OPENSEARCH_CA_FILE",
  openSearchShards: "LOGCLAW_OPENSEARCH_SHARDS",
  openSearchReplicas: "LOGCLAW_OPENSEARCH_REPLICAS",
  apiToken: "LOGCLAW_API_TOKEN",
  dashboardUrl: "LOGCLAW_DASHBOARD_URL",
  llmApiKey: "LOGCLAW_LLM_API_KEY",
} as const;
