import { describe, expect, it } from "vitest";
import { CONTAINER_ENV } from "../../../contracts/env";
import { containerEnv } from "../../../infra/tenant-stack/env";
import { dashboardUid, dashboardUrl } from "../../../infra/tenant-stack/dashboards-spec";

describe("container environment contract", () => {
  it("gives the bridge Kafka and OpenSearch settings with secrets by reference only", () => {
    const env = containerEnv("bridge", { tenantId: "acme" });
    expect(env.map((e) => e.name)).toEqual([
      "LOGCLAW_TENANT_ID",
      "LOGCLAW_TENANT_FILE",
      "LOGCLAW_HTTP_PORT",
      "LOGCLAW_KAFKA_BROKERS",
      "LOGCLAW_KAFKA_SASL_MECHANISM",
      "LOGCLAW_KAFKA_USERNAME",
      "LOGCLAW_KAFKA_PASSWORD",
      "LOGCLAW_KAFKA_CA_FILE",
      "LOGCLAW_OPENSEARCH_URL",
      "LOGCLAW_OPENSEARCH_USERNAME",
      "LOGCLAW_OPENSEARCH_PASSWORD",
      "LOGCLAW_OPENSEARCH_CA_FILE",
    ]);
    const byName = Object.fromEntries(env.map((e) => [e.name, e]));
    expect(byName.LOGCLAW_TENANT_FILE!.value).toBe("/etc/logclaw/tenant.yaml");
    expect(byName.LOGCLAW_KAFKA_BROKERS!.value).toBe("logclaw-kafka-bootstrap.logclaw-acme.svc:9093");
    expect(byName.LOGCLAW_KAFKA_SASL_MECHANISM!.value).toBe("scram-sha-512");
    expect(byName.LOGCLAW_KAFKA_PASSWORD).toEqual({ name: "LOGCLAW_KAFKA_PASSWORD", valueFrom: { secretKeyRef: { name: "kafka-bridge", key: "password" } } });
    expect(byName.LOGCLAW_OPENSEARCH_URL!.value).toBe("https://logclaw-search.logclaw-acme.svc:9200");
  });

  it("adds the API token, dashboard URL, LLM key and each platform credential for the ticketing agent", () => {
    const env = containerEnv("ticketing", { tenantId: "acme", dashboardUrl: "https://g/d/x", platforms: ["jira", "slack"], llmCredentials: true });
    const names = env.map((e) => e.name);
    expect(names).toEqual(
      expect.arrayContaining([
        CONTAINER_ENV.apiToken,
        CONTAINER_ENV.dashboardUrl,
        CONTAINER_ENV.llmApiKey,
        "LOGCLAW_JIRA_EMAIL",
        "LOGCLAW_JIRA_API_TOKEN",
        "LOGCLAW_SLACK_WEBHOOK_URL",
      ]),
    );
    const jira = env.find((e) => e.name === "LOGCLAW_JIRA_API_TOKEN");
    expect(jira).toEqual({ name: "LOGCLAW_JIRA_API_TOKEN", valueFrom: { secretKeyRef: { name: "logclaw-jira", key: "apiToken" } } });
    expect(env.find((e) => e.name === "LOGCLAW_KAFKA_USERNAME")!.value).toBe("kafka-ticketing");
  });
});

describe("dashboard URL", () => {
  it("has Grafana's form with the tenant variable and a time range", () => {
    expect(dashboardUrl("https://grafana.example.com/", "acme")).toBe(
      "https://grafana.example.com/d/logclaw-acme/logclaw-acme?var-tenant=acme&from=now-6h&to=now",
    );
  });

  it("keeps uids within Grafana's 40 characters", () => {
    const long = "a".repeat(40);
    expect(dashboardUid(long)).toHaveLength(32);
    expect(dashboardUid(long)).not.toBe(dashboardUid("b".repeat(40)));
  });
});
