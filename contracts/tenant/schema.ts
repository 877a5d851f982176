import { z } from "zod";
import { DEFAULT_REDACTION, REDACTION_RULES } from "../redaction";

/**
 * The tenant file (ARCHITECTURE.md, contract): `tenants/<id>.yaml`, the single source of truth for a
 * tenant stack. Pure data and validation only (no Pulumi imports): the runtime containers read the
 * same file from a ConfigMap.
 */

export const TIERS = ["starter", "standard", "enterprise"] as const;
export type TierName = (typeof TIERS)[number];

export const PLATFORMS = ["jira", "servicenow", "pagerduty", "opsgenie", "slack", "zammad"] as const;
export type PlatformName = (typeof PLATFORMS)[number];

export const LLM_PROVIDERS = ["openai", "azure-openai", "openai-compatible"] as const;

/**
 * Properties each platform's external secret must hold. The ticketing container receives them as
 * environment variables named by {@link credentialEnvVar}.
 */
export const PLATFORM_CREDENTIAL_PROPERTIES: Record<PlatformName, readonly string[]> = {
  jira: ["email", "apiToken"],
  servicenow: ["username", "password"],
  pagerduty: ["routingKey"],
  opsgenie: ["apiKey"],
  slack: ["webhookUrl"],
  zammad: ["token"],
};

/** `LOGCLAW_JIRA_API_TOKEN` for (`jira`, `apiToken`). */
export function credentialEnvVar(platform: string, property: string): string {
  const snake = property.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase();
  return `LOGCLAW_${platform.toUpperCase()}_${snake}`;
}

const DNS_LABEL = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

/**
 * A reference to a secret in the environment's secret store (never the secret itself). Keys live
 * under `logclaw/` because the store's IAM role / service account may read only that prefix.
 */
export const secretRefSchema = z
  .object({
    key: z
      .string()
      .regex(/^logclaw\/[A-Za-z0-9._\/-]+$/, "must be a secret-store key under logclaw/ (e.g. logclaw/acme/jira)"),
  })
  .strict();
export type SecretRef = z.infer<typeof secretRefSchema>;

const httpsUrl = z
  .string()
  .url("must be a URL")
  .refine((u) => u.startsWith("https://"), "must use https://");

const jiraSchema = z
  .object({
    baseUrl: httpsUrl,
    projectKey: z.string().regex(/^[A-Z][A-Z0-9_]{1,9}$/, "must be a Jira project key such as OPS"),
    issueType: z.string().min(1).default("Bug"),
    credentials: secretRefSchema,
  })
  .strict();

const serviceNowSchema = z
  .object({
    instanceUrl: httpsUrl,
    assignmentGroup: z.string().min(1).optional(),
    credentials: secretRefSchema,
  })
  .strict();

const pagerDutySchema = z.object({ credentials: secretRefSchema }).strict();

const opsGenieSchema = z
  .object({
    region: z.enum(["us", "eu"]).default("us"),
    team: z.string().min(1).optional(),
    credentials: secretRefSchema,
  })
  .strict();

const slackSchema = z
  .object({
    channel: z.string().regex(/^#?[a-z0-9._-]+$/, "must be a Slack channel name").optional(),
    credentials: secretRefSchema,
  })
  .strict();

const zammadSchema = z
  .object({
    baseUrl: httpsUrl,
    group: z.string().min(1).default("Users"),
    customer: z.string().email("must be the e-mail of the Zammad customer tickets are filed for"),
    credentials: secretRefSchema,
  })
  .strict();

const platformList = z.array(z.enum(PLATFORMS)).default([]);

export const routingSchema = z
  .object({
    critical: platformList,
    high: platformList,
    medium: platformList,
    low: platformList,
  })
  .strict();

export const integrationsSchema = z
  .object({
    jira: jiraSchema.optional(),
    servicenow: serviceNowSchema.optional(),
    pagerduty: pagerDutySchema.optional(),
    opsgenie: opsGenieSchema.optional(),
    slack: slackSchema.optional(),
    zammad: zammadSchema.optional(),
    /** Which platforms get a ticket for each incident severity. */
    routing: routingSchema.default({ critical: [], high: [], medium: [], low: [] }),
  })
  .strict()
  .superRefine((value, ctx) => {
    for (const severity of ["critical", "high", "medium", "low"] as const) {
      value.routing[severity].forEach((platform, i) => {
        if (!value[platform]) {
          ctx.addIssue({
            code: "custom",
            path: ["routing", severity, i],
            message: `routes to ${platform}, which is not configured under integrations`,
          });
        }
      });
    }
  });

export const llmSchema = z
  .object({
    provider: z.enum(LLM_PROVIDERS),
    model: z.string().min(1),
    /** Required for azure-openai and openai-compatible (Ollama, vLLM). */
    baseUrl: z.string().url("must be a URL").optional(),
    /** Azure OpenAI API version, e.g. 2024-10-21. */
    apiVersion: z.string().optional(),
    /** Optional for openai-compatible servers that need no key. */
    credentials: secretRefSchema.optional(),
    timeoutMs: z.number().int().min(1000).max(120_000).default(30_000),
  })
  .strict()
  .superRefine((value, ctx) => {
    if (value.provider !== "openai" && !value.baseUrl) {
      ctx.addIssue({ code: "custom", path: ["baseUrl"], message: `is required for provider ${value.provider}` });
    }
    if (value.provider !== "openai-compatible" && !value.credentials) {
      ctx.addIssue({ code: "custom", path: ["credentials"], message: `is required for provider ${value.provider}` });
    }
    if (value.provider === "azure-openai" && !value.apiVersion) {
      ctx.addIssue({ code: "custom", path: ["apiVersion"], message: "is required for provider azure-openai" });
    }
  });


export const redactionSchema = z
  .object({
    enabled: z.boolean().default(true),
    rules: z.array(z.enum(REDACTION_RULES)).default([...DEFAULT_REDACTION.rules]),
    /** Extra regular expressions (JavaScript syntax) whose matches are replaced. */
    extraPatterns: z
      .array(
        z.string().refine((p) => {
          try {
            new RegExp(p);
            return true;
          } catch {
            return false;
          }
        }, "must be a valid regular expression"),
      )
      .default([]),
  })
  .strict();

export const ingestSchema = z
  .object({
    /** Sustained records per second accepted by the collector before it refuses with 429. */
    logsPerSecond: z.number().int().positive(),
    /** Short bursts above the sustained rate. */
    burst: z.number().int().positive(),
    /** Largest accepted OTLP request body. */
    maxRequestBytes: z.number().int().positive().default(4 * 1024 * 1024),
  })
  .strict()
  .refine((v) => v.burst >= v.logsPerSecond, { path: ["burst"], message: "must be >= logsPerSecond" });

export const overridesSchema = z
  .object({
    replicas: z
      .object({
        collector: z.number().int().positive().optional(),
        bridge: z.number().int().positive().optional(),
        ticketing: z.number().int().positive().optional(),
      })
      .strict()
      .optional(),
    storage: z
      .object({
        kafkaGi: z.number().int().positive().optional(),
        opensearchGi: z.number().int().positive().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export const tenantSchema = z
  .object({
    id: z
      .string()
      .max(40, "must be at most 40 characters")
      .regex(DNS_LABEL, "must be a DNS label: lower-case letters, digits and '-', starting and ending alphanumeric"),
    displayName: z.string().min(1).optional(),
    tier: z.enum(TIERS),
    environment: z.string().regex(DNS_LABEL, "must be a DNS label such as dev, staging or prod"),
    retentionDays: z.number().int().positive(),
    ingest: ingestSchema,
    redaction: redactionSchema.default({ ...DEFAULT_REDACTION, rules: [...DEFAULT_REDACTION.rules], extraPatterns: [] }),
    integrations: integrationsSchema.default({ routing: { critical: [], high: [], medium: [], low: [] } }),
    llm: llmSchema.optional(),
    overrides: overridesSchema.default({}),
  })
  .strict();

export type TenantConfig = z.infer<typeof tenantSchema>;
export type TenantInput = z.input<typeof tenantSchema>;
