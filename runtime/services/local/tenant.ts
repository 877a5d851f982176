import { tenantSchema, type TenantConfig } from "../../../contracts/tenant/schema";
import { llmSettings, platformCredentialsFromEnv } from "../../ticketing/tenant-settings";
import { loadTenantFile, TenantFileError } from "../../../contracts/tenant/load";
import type { LlmSettings, PlatformCredentials } from "../../ticketing";
import type { LocalConfig } from "./config";

/** Who local mode runs as, where its tickets go and which model writes the RCA. */
export interface LocalTenant {
  tenant: TenantConfig;
  credentials: PlatformCredentials;
  llm: LlmSettings | null;
}

/**
 * Without a tenant file: one tenant, no platforms (tickets go to the folder), rule-based RCA. With
 * `--tenant-file`: its integrations and LLM, credentials from the environment variables named by
 * `credentialEnvVar` (e.g. LOGCLAW_JIRA_API_TOKEN) and the model key from LOGCLAW_LLM_API_KEY.
 */
export function resolveLocalTenant(config: LocalConfig, env: NodeJS.ProcessEnv): LocalTenant {
  if (!config.tenantFile) {
    return {
      tenant: tenantSchema.parse({
        id: config.tenant,
        tier: "starter",
        environment: "local",
        retentionDays: config.retentionDays,
        ingest: { logsPerSecond: 100_000, burst: 200_000, maxRequestBytes: config.maxRequestBytes },
      }),
      credentials: {},
      llm: null,
    };
  }
  let tenant: TenantConfig;
  try {
    tenant = loadTenantFile(config.tenantFile);
  } catch (err) {
    throw new Error(`--tenant-file: ${err instanceof TenantFileError ? err.problems.join("; ") : (err as Error).message}`);
  }
  const { credentials, missing } = platformCredentialsFromEnv(tenant, env);
  const [first] = missing;
  if (first) throw new Error(`${first.envVar}: is required because integrations.${first.platform} is configured in ${config.tenantFile}`);
  const key = env.LOGCLAW_LLM_API_KEY;
  // A configured model without its key fails like a platform without credentials: silently
  // writing rule-based RCA would hide the misconfiguration from the person who asked for an LLM.
  if (tenant.llm && tenant.llm.provider !== "openai-compatible" && !key) {
    throw new Error(`LOGCLAW_LLM_API_KEY: is required because llm.provider is ${tenant.llm.provider} in ${config.tenantFile}`);
  }
  const llm = tenant.llm ? llmSettings(tenant.llm, key) : null;
  return { tenant, credentials, llm };
}
