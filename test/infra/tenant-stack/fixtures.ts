import * as path from "node:path";
import type { TenantInput } from "../../../contracts/tenant/schema";
import { loadTenantFile } from "../../../contracts/tenant/load";

export const repoRoot = path.resolve(__dirname, "..", "..", "..");

/** The two example tenants as the stack reads them. */
export function exampleTenant(id: "acme" | "globex") {
  return loadTenantFile(path.join(repoRoot, "tenants", `${id}.yaml`), repoRoot);
}

/** A standard-tier tenant with an OpenAI LLM and paging platforms. */
export const standardTenant: TenantInput = {
  id: "initech",
  tier: "standard",
  environment: "dev",
  retentionDays: 30,
  ingest: { logsPerSecond: 20_000, burst: 60_000 },
  integrations: {
    pagerduty: { credentials: { key: "logclaw/initech/pagerduty" } },
    opsgenie: { region: "eu", credentials: { key: "logclaw/initech/opsgenie" } },
    routing: { critical: ["pagerduty"], high: ["opsgenie"] },
  },
  llm: { provider: "openai", model: "gpt-4o-mini", credentials: { key: "logclaw/initech/llm" } },
};
