import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { loadBridgeConfig } from "../../../../runtime/services/bridge";

const minimal = {
  LOGCLAW_TENANT_ID: "acme",
  LOGCLAW_KAFKA_BROKERS: "kafka-0:9093, kafka-1:9093",
  LOGCLAW_KAFKA_USERNAME: "bridge",
  LOGCLAW_KAFKA_PASSWORD: "secret",
  LOGCLAW_OPENSEARCH_URL: "https://opensearch:9200",
};

describe("loadBridgeConfig", () => {
  it("builds the configuration with defaults from the TenantStack's variables", () => {
    const config = loadBridgeConfig(minimal);
    expect(config.kafka.brokers).toEqual(["kafka-0:9093", "kafka-1:9093"]);
    expect(config.kafka.saslMechanism).toBe("scram-sha-512");
    expect(config.kafka.groupId).toBe("logclaw-bridge");
    expect(config.topics).toEqual({
      rawLogs: "raw-logs",
      rawSpans: "raw-spans",
      enrichedLogs: "enriched-logs",
      incidents: "incidents",
      deadLetter: "dead-letter",
      context: "bridge-context",
    });
    expect(config.httpPort).toBe(8080);
    expect(config.retentionDays).toBe(30);
  });

  it("takes the retention from the tenant file", () => {
    const config = loadBridgeConfig({ ...minimal, LOGCLAW_TENANT_FILE: resolve(__dirname, "../../../../tenants/acme.yaml") });
    expect(config.retentionDays).toBe(7);
    expect(config.tenant?.id).toBe("acme");
  });

  it("names every missing or malformed variable on one line", () => {
    expect(() => loadBridgeConfig({ LOGCLAW_TENANT_ID: "acme", LOGCLAW_KAFKA_BROKERS: "kafka-0", LOGCLAW_OPENSEARCH_URL: "opensearch" })).toThrow(
      "invalid bridge configuration: LOGCLAW_KAFKA_BROKERS.0: must be host:port; LOGCLAW_OPENSEARCH_URL: must be an http(s) URL",
    );
  });

  it("requires SCRAM credentials unless SASL is off", () => {
    const { LOGCLAW_KAFKA_PASSWORD: _omitted, ...noPassword } = minimal;
    expect(() => loadBridgeConfig(noPassword)).toThrow(
      "invalid bridge configuration: LOGCLAW_KAFKA_PASSWORD: required when LOGCLAW_KAFKA_SASL_MECHANISM is scram-sha-512",
    );
    expect(loadBridgeConfig({ ...noPassword, LOGCLAW_KAFKA_SASL_MECHANISM: "none" }).kafka.saslMechanism).toBe("none");
  });

  it("refuses a tenant file of another tenant", () => {
    const dir = mkdtempSync(join(tmpdir(), "bridge-config-"));
    const file = join(dir, "globex.yaml");
    writeFileSync(file, "id: globex\n");
    expect(() => loadBridgeConfig({ ...minimal, LOGCLAW_TENANT_FILE: file })).toThrow(/^invalid bridge configuration: LOGCLAW_TENANT_FILE: /);
  });
});

describe("logclaw bridge with bad configuration", () => {
  it("exits 2 with one line on stderr before connecting anywhere", () => {
    const result = spawnSync(process.execPath, [resolve(__dirname, "../../../../runtime/cli/bin.js"), "bridge"], {
      env: { PATH: process.env.PATH, LOGCLAW_TENANT_ID: "Acme!", LOGCLAW_OPENSEARCH_URL: "http://127.0.0.1:9200" },
      encoding: "utf8",
      timeout: 170_000,
    });
    expect(result.status).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(
      "logclaw bridge: invalid bridge configuration: LOGCLAW_TENANT_ID: must be the tenant id (a DNS label); LOGCLAW_KAFKA_BROKERS: is required\n",
    );
  }, 180_000);
});
