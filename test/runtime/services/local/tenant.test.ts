import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { buildLocalConfig } from "../../../../runtime/services/local/config";
import { resolveLocalTenant } from "../../../../runtime/services/local/tenant";

const repoRoot = resolve(__dirname, "..", "..", "..", "..");

describe("resolveLocalTenant", () => {
  it("runs as one tenant with no platforms and rule-based RCA by default", () => {
    const local = resolveLocalTenant(buildLocalConfig({ tenant: "demo" }, {}, "/w", false), {});
    expect(local.tenant.id).toBe("demo");
    expect(local.tenant.integrations.jira).toBeUndefined();
    expect(local.credentials).toEqual({});
    expect(local.llm).toBeNull();
  });

  it("takes platforms from a tenant file and their credentials from the environment", () => {
    const config = buildLocalConfig({ tenantFile: "tenants/acme.yaml" }, {}, repoRoot, false);
    const env = { LOGCLAW_JIRA_EMAIL: "ops@acme.test", LOGCLAW_JIRA_API_TOKEN: "t", LOGCLAW_SLACK_WEBHOOK_URL: "https://hooks.slack.test/x" };
    const local = resolveLocalTenant(config, env);
    expect(local.tenant.id).toBe("acme");
    expect(local.credentials).toEqual({ jira: { email: "ops@acme.test", apiToken: "t" }, slack: { webhookUrl: "https://hooks.slack.test/x" } });
  });

  it("names the missing credential variable", () => {
    const config = buildLocalConfig({ tenantFile: "tenants/acme.yaml" }, {}, repoRoot, false);
    expect(() => resolveLocalTenant(config, {})).toThrow(/^LOGCLAW_JIRA_\w+: is required because integrations.jira is configured in /);
  });

  it("names the missing model key when the tenant file asks for a hosted LLM", () => {
    const config = buildLocalConfig({ tenantFile: "tenants/globex.yaml" }, {}, repoRoot, false);
    const env = {
      LOGCLAW_SERVICENOW_USERNAME: "u",
      LOGCLAW_SERVICENOW_PASSWORD: "p",
      LOGCLAW_PAGERDUTY_ROUTING_KEY: "k",
      LOGCLAW_SLACK_WEBHOOK_URL: "https://hooks.slack.test/x",
    };
    expect(() => resolveLocalTenant(config, env)).toThrow(/^LOGCLAW_LLM_API_KEY: is required because llm.provider is azure-openai in /);
    expect(resolveLocalTenant(config, { ...env, LOGCLAW_LLM_API_KEY: "key" }).llm).toMatchObject({ provider: "azure-openai", apiKey: "key" });
  });
});
