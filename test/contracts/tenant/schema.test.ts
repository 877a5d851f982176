import { describe, expect, it } from "vitest";
import { credentialEnvVar, tenantSchema } from "../../../contracts/tenant/schema";

const minimal = {
  id: "acme",
  tier: "starter",
  environment: "dev",
  retentionDays: 7,
  ingest: { logsPerSecond: 1000, burst: 5000 },
};

describe("tenantSchema", () => {
  it("fills defaults for a minimal tenant", () => {
    const tenant = tenantSchema.parse(minimal);
    expect(tenant.redaction.enabled).toBe(true);
    expect(tenant.integrations.routing.critical).toEqual([]);
    expect(tenant.ingest.maxRequestBytes).toBe(4 * 1024 * 1024);
  });

  it("rejects routing to a platform that is not configured", () => {
    const result = tenantSchema.safeParse({ ...minimal, integrations: { routing: { critical: ["jira"] } } });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(["integrations", "routing", "critical", 0]);
    expect(result.error?.issues[0]?.message).toBe("routes to jira, which is not configured under integrations");
  });

  it("names credential environment variables in upper snake case", () => {
    expect(credentialEnvVar("jira", "apiToken")).toBe("LOGCLAW_JIRA_API_TOKEN");
    expect(credentialEnvVar("slack", "webhookUrl")).toBe("LOGCLAW_SLACK_WEBHOOK_URL");
  });
});
