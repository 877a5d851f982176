import { PART_OF_LABEL, TENANT_LABEL } from "../../contracts/labels";

/**
 * Kubernetes object names inside a tenant namespace. The namespace isolates tenants, so these are
 * fixed; only the namespace carries the tenant id.
 */

/** `logclaw-<tenantId>`: the only namespace a tenant's resources live in. */
export function tenantNamespace(tenantId: string): string {
  return `logclaw-${tenantId}`;
}

export const OBJECT_NAMES = {
  kafkaCluster: "logclaw",
  openSearchCluster: "logclaw-search",
  collector: "otel-collector",
  bridge: "logclaw-bridge",
  ticketing: "logclaw-ticketing",
  tenantConfig: "logclaw-tenant",
  apiKeySecret: "logclaw-ingest-api-key",
  apiTokenSecret: "logclaw-api-token",
  openSearchAdminSecret: "opensearch-admin",
  llmSecret: "logclaw-llm",
  tlsSecret: "logclaw-ingress-tls",
  dashboardConfigMap: "logclaw-grafana-dashboard",
} as const;

/** KafkaUser names; Strimzi's User Operator writes each user's password to a Secret of the same name. */
export const KAFKA_USERS = {
  collector: "kafka-collector",
  bridge: "kafka-bridge",
  ticketing: "kafka-ticketing",
} as const;

/** OpenSearch users of the data plane; their passwords live in Secrets `opensearch-<user>`. */
export const OPENSEARCH_USERS = { bridge: "logclaw-bridge", ticketing: "logclaw-ticketing" } as const;

export function openSearchUserSecret(user: string): string {
  return `opensearch-${user}`;
}

/** Secret produced by the ExternalSecret of one ticket platform. */
export function platformSecretName(platform: string): string {
  return `logclaw-${platform}`;
}

/** Strimzi's bootstrap service for the TLS listener. */
export function kafkaBootstrap(tenantId: string): string {
  return `${OBJECT_NAMES.kafkaCluster}-kafka-bootstrap.${tenantNamespace(tenantId)}.svc:9093`;
}

/** Strimzi writes the cluster CA certificate to `<cluster>-cluster-ca-cert` (key `ca.crt`). */
export const KAFKA_CA_SECRET = `${OBJECT_NAMES.kafkaCluster}-cluster-ca-cert`;

/** The OpenSearch operator writes the generated HTTP CA to `<cluster>-ca` (key `ca.crt`). */
export const OPENSEARCH_CA_SECRET = `${OBJECT_NAMES.openSearchCluster}-ca`;

export function openSearchUrl(tenantId: string): string {
  return `https://${OBJECT_NAMES.openSearchCluster}.${tenantNamespace(tenantId)}.svc:9200`;
}

/** Public host names of a tenant under the environment's ingress domain. */
export function tenantHosts(tenantId: string, ingressDomain: string): { otlpHttp: string; otlpGrpc: string; search: string } {
  return {
    otlpHttp: `${tenantId}-otlp.${ingressDomain}`,
    otlpGrpc: `${tenantId}-otlp-grpc.${ingressDomain}`,
    search: `${tenantId}-search.${ingressDomain}`,
  };
}

/** Labels on every object of a tenant. */
export function tenantLabels(tenantId: string, component?: string): Record<string, string> {
  return {
    ...PART_OF_LABEL,
    "app.kubernetes.io/managed-by": "pulumi",
    [TENANT_LABEL]: tenantId,
    ...(component ? { "app.kubernetes.io/component": component } : {}),
  };
}

/** Selector labels of one workload (stable across releases: Deployment selectors are immutable). */
export function selectorLabels(workload: string): Record<string, string> {
  return { "app.kubernetes.io/name": workload, ...PART_OF_LABEL };
}
