import { hostname } from "node:os";
import { z } from "zod";
import { loadTenantFile, TenantFileError } from "../../contracts/tenant/load";
import type { TenantConfig } from "../../contracts/tenant/schema";
import type { KafkaConnection } from "../receivers/kafka/client";
import type { OpenSearchConnection } from "../store/opensearch/client";

/*
 * The environment every tenant container (bridge, ticketing agent) shares: the TenantStack wires the
 * same tenant, Kafka and OpenSearch variables into each (infra/tenant-stack/env.ts), so they are parsed,
 * checked and reported one way here; each service adds its own variables around these.
 */

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export const optionalText = z.string().min(1).optional();

/**
 * The tenant, HTTP and connection variables, in the order their problems are reported.
 * `tenantFile` is optional for the bridge (runs by hand) and required for the ticketing agent.
 */
export function connectionEnvShape<F extends z.ZodType<string | undefined>>(tenantFile: F) {
  return {
    LOGCLAW_TENANT_ID: z.string().regex(DNS_LABEL, "must be the tenant id (a DNS label)"),
    LOGCLAW_TENANT_FILE: tenantFile,
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
  };
}

/** The process variables every service ends its schema with (both have defaults). */
export const processEnvShape = {
  LOGCLAW_INSTANCE_ID: optionalText,
  LOGCLAW_LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
};

interface ConnectionEnv {
  LOGCLAW_KAFKA_BROKERS: string[];
  LOGCLAW_KAFKA_SASL_MECHANISM: "scram-sha-512" | "none";
  LOGCLAW_KAFKA_USERNAME?: string;
  LOGCLAW_KAFKA_PASSWORD?: string;
  LOGCLAW_KAFKA_CA_FILE?: string;
  LOGCLAW_OPENSEARCH_URL: string;
  LOGCLAW_OPENSEARCH_USERNAME?: string;
  LOGCLAW_OPENSEARCH_PASSWORD?: string;
  LOGCLAW_OPENSEARCH_CA_FILE?: string;
}

/** The rules across variables: SCRAM needs both credentials, OpenSearch credentials come in pairs. */
export function refineConnectionEnv(env: ConnectionEnv, ctx: z.RefinementCtx): void {
  if (env.LOGCLAW_KAFKA_SASL_MECHANISM === "scram-sha-512") {
    for (const key of ["LOGCLAW_KAFKA_USERNAME", "LOGCLAW_KAFKA_PASSWORD"] as const) {
      if (!env[key]) ctx.addIssue({ code: "custom", path: [key], message: "required when LOGCLAW_KAFKA_SASL_MECHANISM is scram-sha-512" });
    }
  }
  if ((env.LOGCLAW_OPENSEARCH_USERNAME === undefined) !== (env.LOGCLAW_OPENSEARCH_PASSWORD === undefined)) {
    ctx.addIssue({ code: "custom", path: ["LOGCLAW_OPENSEARCH_PASSWORD"], message: "LOGCLAW_OPENSEARCH_USERNAME and _PASSWORD go together" });
  }
}

/** The Kafka connection the environment names (the client id is the service's). */
export function kafkaConnectionOf(env: ConnectionEnv): Omit<KafkaConnection, "clientId"> {
  return {
    brokers: env.LOGCLAW_KAFKA_BROKERS,
    saslMechanism: env.LOGCLAW_KAFKA_SASL_MECHANISM,
    username: env.LOGCLAW_KAFKA_USERNAME,
    password: env.LOGCLAW_KAFKA_PASSWORD,
    caFile: env.LOGCLAW_KAFKA_CA_FILE,
  };
}

/** The OpenSearch connection the environment names. */
export function openSearchConnectionOf(env: ConnectionEnv): Omit<OpenSearchConnection, "requestTimeoutMs"> {
  return {
    url: env.LOGCLAW_OPENSEARCH_URL,
    username: env.LOGCLAW_OPENSEARCH_USERNAME,
    password: env.LOGCLAW_OPENSEARCH_PASSWORD,
    caFile: env.LOGCLAW_OPENSEARCH_CA_FILE,
  };
}

/** This replica's name: the configured one, else host and pid (unique per pod). */
export function instanceIdOf(env: { LOGCLAW_INSTANCE_ID?: string }): string {
  return env.LOGCLAW_INSTANCE_ID ?? `${hostname()}-${process.pid}`;
}

function issueLine(issue: z.core.$ZodIssue): string {
  const key = issue.path.map(String).join(".") || "(environment)";
  const message = issue.code === "invalid_type" && issue.input === undefined ? "is required" : issue.message;
  return `${key}: ${message}`;
}

/** Parses the environment or throws `fail` of every problem, each as `VARIABLE: rule`. */
export function parseServiceEnv<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv, fail: (problems: string[]) => Error): z.output<S> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) throw fail(parsed.error.issues.map(issueLine));
  return parsed.data;
}

/** Loads the mounted tenant file and checks it is this tenant's; throws `fail` naming LOGCLAW_TENANT_FILE. */
export function loadServiceTenant(file: string, tenantId: string, fail: (problems: string[]) => Error): TenantConfig {
  let tenant: TenantConfig;
  try {
    tenant = loadTenantFile(file);
  } catch (err) {
    const detail = err instanceof TenantFileError ? err.problems.join("; ") : (err as Error).message;
    throw fail([`LOGCLAW_TENANT_FILE: ${detail}`]);
  }
  if (tenant.id !== tenantId) {
    throw fail([`LOGCLAW_TENANT_FILE: holds tenant ${tenant.id}, not LOGCLAW_TENANT_ID ${tenantId}`]);
  }
  return tenant;
}
