import { z } from "zod";
import { DEAD_LETTER_TOPIC, INCIDENTS_TOPIC, TICKETING_GROUP } from "../../../contracts/topics";
import type { TenantConfig } from "../../../contracts/tenant/schema";
import { llmSettings, platformCredentialsFromEnv } from "../../ticketing/tenant-settings";
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
import type { PlatformCredentials } from "../../ticketing/platforms";
import type { LlmSettings } from "../../ticketing/rca/llm";

/**
 * The ticketing container's environment: the variables the TenantStack wires (infra/tenant-stack/env.ts),
 * plus platform credentials named by `credentialEnvVar`, plus defaults below. Validated once at start.
 */
export const ticketingEnvSchema = z
  .object({
    ...connectionEnvShape(z.string().min(1)),
    LOGCLAW_API_TOKEN: z.string().min(16, "must be at least 16 characters (the API is reachable in the cluster)"),
    LOGCLAW_DASHBOARD_URL: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).optional(),
    LOGCLAW_LLM_API_KEY: optionalText,
    // Defaults below.
    LOGCLAW_KAFKA_GROUP_ID: z.string().min(1).default(TICKETING_GROUP),
    LOGCLAW_TOPIC_INCIDENTS: z.string().min(1).default(INCIDENTS_TOPIC),
    LOGCLAW_TOPIC_DEAD_LETTER: z.string().min(1).default(DEAD_LETTER_TOPIC),
    LOGCLAW_PLATFORM_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(15_000),
    ...processEnvShape,
  })
  .superRefine(refineConnectionEnv);

export interface TicketingConfig {
  tenant: TenantConfig;
  httpPort: number;
  instanceId: string;
  logLevel: string;
  apiToken: string;
  dashboardUrl: string | null;
  kafka: Omit<KafkaConnection, "clientId"> & {
    groupId: string;
    topic: string;
    deadLetterTopic: string;
  };
  opensearch: Omit<OpenSearchConnection, "requestTimeoutMs">;
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

/** Builds the configuration from the environment and the tenant file; throws {@link TicketingConfigError}. */
export function loadTicketingConfig(env: NodeJS.ProcessEnv): TicketingConfig {
  const fail = (problems: string[]) => new TicketingConfigError(`invalid ticketing configuration: ${problems.join("; ")}`);
  const e = parseServiceEnv(ticketingEnvSchema, env, fail);
  const tenant = loadServiceTenant(e.LOGCLAW_TENANT_FILE, e.LOGCLAW_TENANT_ID, fail);
  const { credentials, missing } = platformCredentialsFromEnv(tenant, env);
  if (missing.length > 0) {
    throw fail(missing.map((m) => `${m.envVar}: is required because integrations.${m.platform} is configured`));
  }

  let llm: LlmSettings | null = null;
  let llmDisabledReason: string | null = null;
  if (tenant.llm) {
    const needsKey = tenant.llm.provider !== "openai-compatible" || tenant.llm.credentials !== undefined;
    if (needsKey && !e.LOGCLAW_LLM_API_KEY) {
      // The stack mounts the key only when the tier allows LLM RCA: then the rules answer.
      llmDisabledReason = "LOGCLAW_LLM_API_KEY is not set";
    } else {
      llm = llmSettings(tenant.llm, e.LOGCLAW_LLM_API_KEY);
    }
  }
  return {
    tenant,
    httpPort: e.LOGCLAW_HTTP_PORT,
    instanceId: instanceIdOf(e),
    logLevel: e.LOGCLAW_LOG_LEVEL,
    apiToken: e.LOGCLAW_API_TOKEN,
    dashboardUrl: e.LOGCLAW_DASHBOARD_URL ?? null,
    kafka: {
      ...kafkaConnectionOf(e),
      groupId: e.LOGCLAW_KAFKA_GROUP_ID,
      topic: e.LOGCLAW_TOPIC_INCIDENTS,
      deadLetterTopic: e.LOGCLAW_TOPIC_DEAD_LETTER,
    },
    opensearch: openSearchConnectionOf(e),
    credentials,
    llm,
    llmDisabledReason,
    platformTimeoutMs: e.LOGCLAW_PLATFORM_TIMEOUT_MS,
  };
}
