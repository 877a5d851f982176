import { z } from "zod";
import { BRIDGE_CONTEXT_TOPIC, BRIDGE_GROUP, DEAD_LETTER_TOPIC, ENRICHED_LOGS_TOPIC, INCIDENTS_TOPIC, RAW_LOGS_TOPIC, RAW_SPANS_TOPIC } from "../../../contracts/topics";
import type { TenantConfig } from "../../../contracts/tenant/schema";
import type { KafkaConnection } from "../../receivers/kafka/client";
import {
  connectionEnvShape,
  instanceIdOf,
  kafkaConnectionOf,
  loadServiceTenant,
  openSearchConnectionOf,
  optionalText,
  parseServiceEnv,
  processEnvShape,
  refineConnectionEnv,
} from "../env";
import type { OpenSearchConnection } from "../../store/opensearch/client";

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/**
 * The bridge's environment (the TenantStack wires the first block into the Deployment; the rest
 * have defaults). Validated once at start-up.
 */
export const bridgeEnvSchema = z
  .object({
    ...connectionEnvShape(optionalText),
    // Defaults below; documented in the README's bridge section.
    LOGCLAW_KAFKA_GROUP_ID: z.string().min(1).default(BRIDGE_GROUP),
    LOGCLAW_TOPIC_RAW_LOGS: z.string().min(1).default(RAW_LOGS_TOPIC),
    LOGCLAW_TOPIC_RAW_SPANS: z.string().min(1).default(RAW_SPANS_TOPIC),
    LOGCLAW_TOPIC_ENRICHED_LOGS: z.string().min(1).default(ENRICHED_LOGS_TOPIC),
    LOGCLAW_TOPIC_INCIDENTS: z.string().min(1).default(INCIDENTS_TOPIC),
    LOGCLAW_TOPIC_DEAD_LETTER: z.string().min(1).default(DEAD_LETTER_TOPIC),
    LOGCLAW_TOPIC_BRIDGE_CONTEXT: z.string().min(1).default(BRIDGE_CONTEXT_TOPIC),
    LOGCLAW_BRIDGE_BATCH_MAX_MESSAGES: positiveInt(100),
    LOGCLAW_KAFKA_PARTITIONS_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(16),
    LOGCLAW_KAFKA_MAX_BYTES_PER_PARTITION: positiveInt(2 * 1024 * 1024),
    LOGCLAW_KAFKA_MAX_BYTES: positiveInt(8 * 1024 * 1024),
    LOGCLAW_OPENSEARCH_REPLICAS: z.coerce.number().int().min(0).max(5).default(1),
    LOGCLAW_OPENSEARCH_SHARDS: positiveInt(1),
    LOGCLAW_DRAIN_TIMEOUT_MS: positiveInt(30_000),
    ...processEnvShape,
  })
  .superRefine(refineConnectionEnv);

/** Retention when no tenant file is mounted (local runs by hand). */
const DEFAULT_RETENTION_DAYS = 30;

export interface BridgeConfig {
  tenantId: string;
  tenant: TenantConfig | null;
  retentionDays: number;
  httpPort: number;
  instanceId: string;
  logLevel: string;
  kafka: Omit<KafkaConnection, "clientId"> & {
    groupId: string;
    maxBytesPerPartition: number;
    maxBytes: number;
    /**
     * Partitions processed at once. Default 16 (the maximum), so every owned partition advances in
     * event time together: a partition left waiting runs minutes behind the others on a backlog, and
     * their window summaries then arrive too late to correlate with it. Memory is bounded by the fetch
     * sizes; bulk requests in flight grow with it.
     */
    partitionsConcurrency: number;
  };
  topics: { rawLogs: string; rawSpans: string; enrichedLogs: string; incidents: string; deadLetter: string; context: string };
  opensearch: Omit<OpenSearchConnection, "requestTimeoutMs"> & { replicas: number; shards: number };
  batchMaxMessages: number;
  drainTimeoutMs: number;
}

/** A configuration problem: one line naming the variable and the rule. */
export class BridgeConfigError extends Error {
  override name = "BridgeConfigError";
}

/** Builds the configuration from the environment; throws {@link BridgeConfigError} with every problem on one line. */
export function loadBridgeConfig(env: NodeJS.ProcessEnv): BridgeConfig {
  const fail = (problems: string[]) => new BridgeConfigError(`invalid bridge configuration: ${problems.join("; ")}`);
  const e = parseServiceEnv(bridgeEnvSchema, env, fail);
  const tenant = e.LOGCLAW_TENANT_FILE ? loadServiceTenant(e.LOGCLAW_TENANT_FILE, e.LOGCLAW_TENANT_ID, fail) : null;
  return {
    tenantId: e.LOGCLAW_TENANT_ID,
    tenant,
    retentionDays: tenant?.retentionDays ?? DEFAULT_RETENTION_DAYS,
    httpPort: e.LOGCLAW_HTTP_PORT,
    instanceId: instanceIdOf(e),
    logLevel: e.LOGCLAW_LOG_LEVEL,
    kafka: {
      ...kafkaConnectionOf(e),
      groupId: e.LOGCLAW_KAFKA_GROUP_ID,
      maxBytesPerPartition: e.LOGCLAW_KAFKA_MAX_BYTES_PER_PARTITION,
      maxBytes: e.LOGCLAW_KAFKA_MAX_BYTES,
      partitionsConcurrency: e.LOGCLAW_KAFKA_PARTITIONS_CONCURRENCY,
    },
    topics: {
      rawLogs: e.LOGCLAW_TOPIC_RAW_LOGS,
      rawSpans: e.LOGCLAW_TOPIC_RAW_SPANS,
      enrichedLogs: e.LOGCLAW_TOPIC_ENRICHED_LOGS,
      incidents: e.LOGCLAW_TOPIC_INCIDENTS,
      deadLetter: e.LOGCLAW_TOPIC_DEAD_LETTER,
      context: e.LOGCLAW_TOPIC_BRIDGE_CONTEXT,
    },
    opensearch: {
      ...openSearchConnectionOf(e),
      replicas: e.LOGCLAW_OPENSEARCH_REPLICAS,
      shards: e.LOGCLAW_OPENSEARCH_SHARDS,
    },
    batchMaxMessages: e.LOGCLAW_BRIDGE_BATCH_MAX_MESSAGES,
    drainTimeoutMs: e.LOGCLAW_DRAIN_TIMEOUT_MS,
  };
}
