import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { loadTicketingConfig } from "../../../runtime/services/ticketing";

const repoRoot = resolve(__dirname, "../../..");

describe("logclaw ticketing configuration", () => {
  let dir: string;
  let tenantFile: string;
  const base = () => ({
    LOGCLAW_TENANT_ID: "acme",
    LOGCLAW_TENANT_FILE: tenantFile,
    LOGCLAW_KAFKA_BROKERS: "kafka-0:9093, kafka-1:9093",
    LOGCLAW_KAFKA_USERNAME: "ticketing",
    LOGCLAW_KAFKA_PASSWORD: "pw",
    LOGCLAW_KAFKA_CA_FILE: "/etc/kafka-ca/ca.crt",
    LOGCLAW_OPENSEARCH_URL: "https://opensearch:9200",
    LOGCLAW_OPENSEARCH_USERNAME: "ticketing",
    LOGCLAW_OPENSEARCH_PASSWORD: "pw",
    LOGCLAW_API_TOKEN: "0123456789abcdef0123",
    LOGCLAW_JIRA_EMAIL: "bot@acme.io",
    LOGCLAW_JIRA_API_TOKEN: "jira-token",
    LOGCLAW_PAGERDUTY_ROUTING_KEY: "R0UT1NGKEY0123456789ABCDEFGHIJKL",
  });

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "logclaw-ticketing-config-"));
    tenantFile = join(dir, "acme.yaml");
    writeFileSync(
      tenantFile,
      stringify({
        id: "acme",
        tier: "enterprise",
        environment: "prod",
        retentionDays: 30,
        ingest: { logsPerSecond: 1000, burst: 2000 },
        integrations: {
          jira: { baseUrl: "https://acme.atlassian.net", projectKey: "OPS", credentials: { key: "logclaw/acme/jira" } },
          pagerduty: { credentials: { key: "logclaw/acme/pagerduty" } },
          routing: { critical: ["pagerduty", "jira"], high: ["jira"] },
        },
        llm: { provider: "azure-openai", model: "gpt-4o", baseUrl: "https://acme.openai.azure.com", apiVersion: "2024-10-21", credentials: { key: "logclaw/acme/llm" } },
      }),
    );
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("builds one validated object from the environment and the tenant file", () => {
    const config = loadTicketingConfig({ ...base(), LOGCLAW_LLM_API_KEY: "azure-key" });
    expect(config).toMatchObject({
      httpPort: 8080,
      apiToken: "0123456789abcdef0123",
      dashboardUrl: null,
      kafka: { brokers: ["kafka-0:9093", "kafka-1:9093"], saslMechanism: "scram-sha-512", groupId: "logclaw-ticketing", topic: "incidents" },
      credentials: { jira: { email: "bot@acme.io", apiToken: "jira-token" }, pagerduty: { routingKey: "R0UT1NGKEY0123456789ABCDEFGHIJKL" } },
      llm: { provider: "azure-openai", model: "gpt-4o", apiKey: "azure-key", apiVersion: "2024-10-21", timeoutMs: 30_000 },
      llmDisabledReason: null,
    });
    expect(config.tenant.integrations.routing.critical).toEqual(["pagerduty", "jira"]);
  });

  it("falls back to rule-based RCA when the LLM key is not mounted", () => {
    const config = loadTicketingConfig(base());
    expect(config.llm).toBeNull();
    expect(config.llmDisabledReason).toBe("LOGCLAW_LLM_API_KEY is not set");
  });

  it.each([
    ["LOGCLAW_JIRA_API_TOKEN", "LOGCLAW_JIRA_API_TOKEN: is required because integrations.jira is configured"],
    ["LOGCLAW_API_TOKEN", "LOGCLAW_API_TOKEN: is required"],
    ["LOGCLAW_KAFKA_PASSWORD", "LOGCLAW_KAFKA_PASSWORD: required when LOGCLAW_KAFKA_SASL_MECHANISM is scram-sha-512"],
  ])("names the missing %s", (name, message) => {
    const env: Record<string, string> = base();
    delete env[name];
    expect(() => loadTicketingConfig(env)).toThrow(message);
  });

  it("rejects a tenant file of another tenant", () => {
    expect(() => loadTicketingConfig({ ...base(), LOGCLAW_TENANT_ID: "globex" })).toThrow(
      "LOGCLAW_TENANT_FILE: holds tenant acme, not LOGCLAW_TENANT_ID globex",
    );
  });

  it("exits 2 with one line on stderr before connecting anywhere", () => {
    const result = spawnSync(process.execPath, [join(repoRoot, "runtime/cli/bin.js"), "ticketing"], {
      env: { PATH: process.env.PATH, LOGCLAW_TENANT_ID: "acme" },
      encoding: "utf8",
      timeout: 85_000,
    });
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toContain("LOGCLAW_TENANT_FILE: is required");
    expect(result.stderr).toContain("LOGCLAW_OPENSEARCH_URL: is required");
    // Loading the CLI (tsx transform) is slow on a loaded machine; the assertion is about the output.
  }, 90_000);
});
