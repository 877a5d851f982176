import { hostname } from "node:os";
import { z } from "zod";
import { loadTenantFile, TenantFileError } from "../../../infra/tenants/load";
import { credentialEnvVar, PLATFORM_CREDENTIAL_PROPERTIES, PLATFORMS, type TenantConfig } from "../../../infra/tenants/schema";
import type { PlatformCredentials } from "../platforms";
import type { LlmSettings } from "../rca/llm";

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const optionalText = z.string().min(1).optional();

/**
 * The ticketing container's environment: the variables the TenantStack wires (infra/tenant/env.ts),
 * plus platform credentials named by `credentialEnvVar`, plus defaults below. Validated once at start.
 */
export const ticketingEnvSchema = z
  .object({
    LOGCLAW_TENANT_ID: z.string().regex(DNS_LABEL, "must be the tenant id (a DNS label)"),
    LOGCLAW_TENANT_FILE: z.string().min(1),
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
    LOGCLAW_API_TOKEN: z.string().min(16, "must be at least 16 characters (the API is reachable in the cluster)"),
    LOGCLAW_DASHBOARD_URL: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).optional(),
    LOGCLAW_LLM_API_KEY: optionalText,
    // Defaults below.
    LOGCLAW_KAFKA_GROUP_ID: z.string().min(1).default("logclaw-ticketing"),
    LOGCLAW_TOPIC_INCIDENTS: z.string().min(1).default("incidents"),
    LOGCLAW_TOPIC_DEAD_LETTER: z.string().min(1).default("dead-letter"),
    LOGCLAW_PLATFORM_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(15_000),
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

export interface TicketingConfig {
  tenant: TenantConfig;
  httpPort: number;
  instanceId: string;
  logLevel: string;
  apiToken: string;
  dashboardUrl: string | null;
  kafka: {
    brokers: string[];
    saslMechanism: "scram-sha-512" | "none";
    username?: string;
    password?: string;
    caFile?: string;
    groupId: string;
    topic: string;
    deadLetterTopic: string;
  };
  opensearch: { url: string; username?: string; password?: string; caFile?: string };
  credentials: PlatformCredentials;
  /** Null: rule-based RCA (no `llm` block, or its key is not mounted). */
  llm: LlmSettings | null;
  /** Why the configured LLM is not used, for the start-up log. */
  llmDisabledReason: string | null;
  platformTimeoutMs: number;
}

/** A configuration problem: one line naming the variable (or tenant field) and the rule. */
export class TicketingConfigError extends Error {
  override name = "TicketingConfigError";
}

function issueLine(issue: z.core.$ZodIssue): string {
  const key = issue.path.map(String).join(".") || "(environment)";
  const message = issue.code === "invalid_type" && issue.input === undefined ? "is required" : issue.message;
  return `${key}: ${message}`;
}

/** Builds the configuration from the environment and the tenant file; throws {@link TicketingConfigError}. */
export function loadTicketingConfig(env: NodeJS.ProcessEnv): TicketingConfig {
  const parsed = ticketingEnvSchema.safeParse(env);
  const fail = (problems: string[]) => new TicketingConfigError(`invalid ticketing configuration: ${problems.join("; ")}`);
  if (!parsed.success) throw fail(parsed.error.issues.map(issueLine));
  const e = parsed.data;
  let tenant: TenantConfig;
  try {
    tenant = loadTenantFile(e.LOGCLAW_TENANT_FILE);
  } catch (err) {
    const detail = err instanceof TenantFileError ? err.problems.join("; ") : (err as Error).message;
    throw fail([`LOGCLAW_TENANT_FILE: ${detail}`]);
  }
  if (tenant.id !== e.LOGCLAW_TENANT_ID) {
    throw fail([`LOGCLAW_TENANT_FILE: holds tenant ${tenant.id}, not LOGCLAW_TENANT_ID ${e.LOGCLAW_TENANT_ID}`]);
  }
  const credentials: PlatformCredentials = {};
  const missing: string[] = [];
  for (const platform of PLATFORMS) {
    if (!tenant.integrations[platform]) continue;
    const values: Record<string, string> = {};
    for (const property of PLATFORM_CREDENTIAL_PROPERTIES[platform]) {
      const name = credentialEnvVar(platform, property);
      const value = env[name];
      if (value) values[property] = value;
      else missing.push(`${name}: is required because integrations.${platform} is configured`);
    }
    credentials[platform] = values;
  }
  if (missing.length > 0) throw fail(missing);

  let llm: LlmSettings | null = null;
  let llmDisabledReason: string | null = null;
  if (tenant.llm) {
    const needsKey = tenant.llm.provider !== "openai-compatible" || tenant.llm.credentials !== undefined;
    if (needsKey && !e.LOGCLAW_LLM_API_KEY) {
      // The stack mounts the key only when the tier allows LLM RCA: then the rules answer.
      llmDisabledReason = "LOGCLAW_LLM_API_KEY is not set";
    } else {
      llm = {
        provider: tenant.llm.provider,
        model: tenant.llm.model,
        baseUrl: tenant.llm.baseUrl,
        apiVersion: tenant.llm.apiVersion,
        apiKey: e.LOGCLAW_LLM_API_KEY ?? null,
        timeoutMs: tenant.llm.timeoutMs,
      };
    }
  }
  return {
    tenant,
    httpPort: e.LOGCLAW_HTTP_PORT,
    instanceId: e.LOGCLAW_INSTANCE_ID ?? `${hostname()}-${process.pid}`,
    logLevel: e.LOGCLAW_LOG_LEVEL,
    apiToken: e.LOGCLAW_API_TOKEN,
    dashboardUrl: e.LOGCLAW_DASHBOARD_URL ?? null,
    kafka: {
      brokers: e.LOGCLAW_KAFKA_BROKERS,
      saslMechanism: e.LOGCLAW_KAFKA_SASL_MECHANISM,
      username: e.LOGCLAW_KAFKA_USERNAME,
      password: e.LOGCLAW_KAFKA_PASSWORD,
      caFile: e.LOGCLAW_KAFKA_CA_FILE,
      groupId: e.LOGCLAW_KAFKA_GROUP_ID,
      topic: e.LOGCLAW_TOPIC_INCIDENTS,
      deadLetterTopic: e.LOGCLAW_TOPIC_DEAD_LETTER,
    },
    opensearch: {
      url: e.LOGCLAW_OPENSEARCH_URL,
      username: e.LOGCLAW_OPENSEARCH_USERNAME,
      password: e.LOGCLAW_OPENSEARCH_PASSWORD,
      caFile: e.LOGCLAW_OPENSEARCH_CA_FILE,
    },
    credentials,
    llm,
    llmDisabledReason,
    platformTimeoutMs: e.LOGCLAW_PLATFORM_TIMEOUT_MS,
  };
}
