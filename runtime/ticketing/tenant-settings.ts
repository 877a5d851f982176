import { credentialEnvVar, PLATFORM_CREDENTIAL_PROPERTIES, PLATFORMS, type TenantConfig } from "../../contracts/tenant/schema";
import type { PlatformCredentials } from "./platforms";
import type { LlmSettings } from "./rca/llm";

/** A credential the tenant's configured platforms need but the environment does not hold. */
export interface MissingCredential {
  envVar: string;
  platform: string;
}

/**
 * Reads each configured platform's credentials from the variables named by `credentialEnvVar`
 * (the cluster mounts them from ExternalSecrets; local mode takes them from the shell).
 */
export function platformCredentialsFromEnv(
  tenant: TenantConfig,
  env: NodeJS.ProcessEnv,
): { credentials: PlatformCredentials; missing: MissingCredential[] } {
  const credentials: PlatformCredentials = {};
  const missing: MissingCredential[] = [];
  for (const platform of PLATFORMS) {
    if (!tenant.integrations[platform]) continue;
    const values: Record<string, string> = {};
    for (const property of PLATFORM_CREDENTIAL_PROPERTIES[platform]) {
      const envVar = credentialEnvVar(platform, property);
      const value = env[envVar];
      if (value) values[property] = value;
      else missing.push({ envVar, platform });
    }
    credentials[platform] = values;
  }
  return { credentials, missing };
}

/** The RCA engine's settings for the tenant's `llm` block and its key. */
export function llmSettings(llm: NonNullable<TenantConfig["llm"]>, apiKey: string | undefined): LlmSettings {
  return {
    provider: llm.provider,
    model: llm.model,
    baseUrl: llm.baseUrl,
    apiVersion: llm.apiVersion,
    apiKey: apiKey ?? null,
    timeoutMs: llm.timeoutMs,
  };
}
