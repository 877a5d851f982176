import { hostname } from "node:os";
import { z } from "zod";
import { loadTenantFile, TenantFileError } from "../../infra/tenants/load";
import type { TenantConfig } from "../../infra/tenants/schema";

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const optionalText = z.string().min(1).optional();
const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/**
 * The bridge's environment (the TenantStack wires the first block into the Deployment; the rest
 * have defaults). Validated once at start-up.
 */
export const bridgeEnvSchema = z
  .object({
    LOGCLAW_TENANT_ID: z.string().regex(DNS_LABEL, "must be the tenant id (a DNS label)"),
    LOGCLAW_TENANT_FILE: optionalText,
    LOGCLAW_HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
    LOGCLAW_KAFKA_BROKERS: z
      .string()
      .transform((s) => s.split(",").map((b) => b.trim()).filter((b) => b.length > 0))
      .pipe(z.array(z.string().regex(/^[^\s:]+:\d{1,5}$/, "must be host:port")).min(1, "must list at least one host:port")),
    LOGCLAW_KAFKA_SASL_MECHANISM: z.enum(["scram-sha-512", "none"]).default("scram-sha-512"),
    LOGCLAW_KAFKA_USERNAME: optionalText,
    LOGCLAW_KAFKA_PASSWORD: optionalText,
    LOGCLAW_KAFKA_CA_FILE: optionalText,
    LOGCLAW_OPENSEARCH_URL: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }),
    LOGCLAW_OPENSEARCH_USERNAME: optionalText,
    LOGCLAW_OPENSEARCH_PASSWORD: optionalText,
    LOGCLAW_OPENSEARCH_CA_FILE: optionalText,
    // Defaults below; documented in the README's bridge section.
    LOGCLAW_KAFKA_GROUP_ID: z.string().min(1).default("logclaw-bridge"),
    LOGCLAW_TOPIC_RAW_LOGS: z.string().min(1).default("raw-logs"),
    LOGCLAW_TOPIC_ENRICHED_LOGS: z.string().min(1).default("enriched-logs"),
    LOGCLAW_TOPIC_INCIDENTS: z.string().min(1).default("incidents"),
    LOGCLAW_TOPIC_DEAD_LETTER: z.string().min(1).default("dead-letter"),
    LOGCLAW_TOPIC_BRIDGE_CONTEXT: z.string().min(1).default("bridge-context"),
    LOGCLAW_BRIDGE_BATCH_MAX_MESSAGES: positiveInt(100),
    LOGCLAW_KAFKA_PARTITIONS_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(2),
    LOGCLAW_KAFKA_MAX_BYTES_PER_PARTITION: positiveInt(2 * 1024 * 1024),
    LOGCLAW_KAFKA_MAX_BYTES: positiveInt(8 * 1024 * 1024),
    LOGCLAW_OPENSEARCH_REPLICAS: z.coerce.number().int().min(0).max(5).default(1),
    LOGCLAW_OPENSEARCH_SHARDS: positiveInt(1),
    LOGCLAW_DRAIN_TIMEOUT_MS: positiveInt(30_000),
    LOGCLAW_INSTANCE_ID: optionalText,
    LOGCLAW_LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  })
  .superRefine((env, ctx) => {
    if (env.LOGCLAW_KAFKA_SASL_MECHANISM === "scram-sha-512") {
      for (const key of ["LOGCLAW_KAFKA_USERNAME", "LOGCLAW_KAFKA_PASSWORD"] as const) {
        if (!env[key]) ctx.addIssue({ code: "custom", path: [key], message: "required when LOGCLAW_KAFKA_SASL_MECHANISM is scram-sha-512" });
      }
    }
    if ((env.LOGCLAW_OPENSEARCH_USERNAME === undefined) !== (env.LOGCLAW_OPENSEARCH_PASSWORD === undefined)) {
      ctx.addIssue({ code: "custom", path: ["LOGCLAW_OPENSEARCH_PASSWORD"], message: "LOGCLAW_OPENSEARCH_USERNAME and _PASSWORD go together" });
    }
  });

/** Retention when no tenant file is mounted (local runs by hand). */
const DEFAULT_RETENTION_DAYS = 30;

export interface BridgeConfig {
  tenantId: string;
  tenant: TenantConfig | null;
  retentionDays: number;
  httpPort: number;
  instanceId: string;
  logLevel: string;
  kafka: {
    brokers: string[];
    saslMechanism: "scram-sha-512" | "none";
    username?: string;
    password?: string;
    caFile?: string;
    groupId: string;
    maxBytesPerPartition: number;
    maxBytes: number;
    /** Partitions processed at once: their bulk requests overlap, memory grows with it. */
    partitionsConcurrency: number;
  };
  topics: { rawLogs: string; enrichedLogs: string; incidents: string; deadLetter: string; context: string };
  opensearch: { url: string; username?: string; password?: string; caFile?: string; replicas: number; shards: number };
  batchMaxMessages: number;
  drainTimeoutMs: number;
}

/** A configuration problem: one line naming the variable and the rule. */
export class BridgeConfigError extends Error {
  override name = "BridgeConfigError";
}

function issueLine(issue: z.core.$ZodIssue): string {
  const key = issue.path.map(String).join(".") || "(environment)";
  const message = issue.code === "invalid_type" && issue.input === undefined ? "is required" : issue.message;
  return `${key}: ${message}`;
}

/** Builds the configuration from the environment; throws {@link BridgeConfigError} with every problem on one line. */
export function loadBridgeConfig(env: NodeJS.ProcessEnv): BridgeConfig {
  const parsed = bridgeEnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new BridgeConfigError(`invalid bridge configuration: ${parsed.error.issues.map(issueLine).join("; ")}`);
  }
  const e = parsed.data;
  let tenant: TenantConfig | null = null;
  if (e.LOGCLAW_TENANT_FILE) {
    try {
      tenant = loadTenantFile(e.LOGCLAW_TENANT_FILE);
    } catch (err) {
      const detail = err instanceof TenantFileError ? err.problems.join("; ") : (err as Error).message;
      throw new BridgeConfigError(`invalid bridge configuration: LOGCLAW_TENANT_FILE: ${detail}`);
    }
    if (tenant.id !== e.LOGCLAW_TENANT_ID) {
      throw new BridgeConfigError(
        `invalid bridge configuration: LOGCLAW_TENANT_FILE: holds tenant ${tenant.id}, not LOGCLAW_TENANT_ID ${e.LOGCLAW_TENANT_ID}`,
      );
    }
  }
  return {
    tenantId: e.LOGCLAW_TENANT_ID,
    tenant,
    retentionDays: tenant?.retentionDays ?? DEFAULT_RETENTION_DAYS,
    httpPort: e.LOGCLAW_HTTP_PORT,
    instanceId: e.LOGCLAW_INSTANCE_ID ?? `${hostname()}-${process.pid}`,
    logLevel: e.LOGCLAW_LOG_LEVEL,
    kafka: {
      brokers: e.LOGCLAW_KAFKA_BROKERS,
      saslMechanism: e.LOGCLAW_KAFKA_SASL_MECHANISM,
      username: e.LOGCLAW_KAFKA_USERNAME,
      password: e.LOGCLAW_KAFKA_PASSWORD,
      caFile: e.LOGCLAW_KAFKA_CA_FILE,
      groupId: e.LOGCLAW_KAFKA_GROUP_ID,
      maxBytesPerPartition: e.LOGCLAW_KAFKA_MAX_BYTES_PER_PARTITION,
      maxBytes: e.LOGCLAW_KAFKA_MAX_BYTES,
      partitionsConcurrency: e.LOGCLAW_KAFKA_PARTITIONS_CONCURRENCY,
    },
    topics: {
      rawLogs: e.LOGCLAW_TOPIC_RAW_LOGS,
      enrichedLogs: e.LOGCLAW_TOPIC_ENRICHED_LOGS,
      incidents: e.LOGCLAW_TOPIC_INCIDENTS,
      deadLetter: e.LOGCLAW_TOPIC_DEAD_LETTER,
      context: e.LOGCLAW_TOPIC_BRIDGE_CONTEXT,
    },
    opensearch: {
      url: e.LOGCLAW_OPENSEARCH_URL,
      username: e.LOGCLAW_OPENSEARCH_USERNAME,
      password: e.LOGCLAW_OPENSEARCH_PASSWORD,
      caFile: e.LOGCLAW_OPENSEARCH_CA_FILE,
      replicas: e.LOGCLAW_OPENSEARCH_REPLICAS,
      shards: e.LOGCLAW_OPENSEARCH_SHARDS,
    },
    batchMaxMessages: e.LOGCLAW_BRIDGE_BATCH_MAX_MESSAGES,
    drainTimeoutMs: e.LOGCLAW_DRAIN_TIMEOUT_MS,
  };
}
