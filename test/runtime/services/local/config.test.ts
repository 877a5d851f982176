import { describe, expect, it } from "vitest";
import { buildLocalConfig } from "../../../../runtime/services/local/config";

describe("buildLocalConfig", () => {
  it("uses documented defaults under the working directory", () => {
    const config = buildLocalConfig({}, {}, "/work/app", true);
    expect(config).toMatchObject({
      dataDir: "/work/app/.logclaw/data",
      ticketsDir: "/work/app/.logclaw/tickets",
      host: "127.0.0.1",
      port: 3000,
      otlpHttpPort: 4318,
      otlpGrpcPort: 4317,
      tenant: "local",
      retentionDays: 7,
      live: true,
    });
    expect(config.apiKey).toBeUndefined();
  });

  it("takes flags over environment variables over defaults", () => {
    const env = { LOGCLAW_PORT: "8080", LOGCLAW_OTLP_HTTP_PORT: "14318", LOGCLAW_API_KEY: "from-env", LOGCLAW_DATA_DIR: "/var/lib/logclaw" };
    const config = buildLocalConfig({ port: "9090", apiKey: "from-flag" }, env, "/w", false);
    expect(config).toMatchObject({ port: 9090, otlpHttpPort: 14318, apiKey: "from-flag", dataDir: "/var/lib/logclaw", ticketsDir: "/var/lib/tickets" });
  });

  it("names the flag and its variable when a value is invalid", () => {
    expect(() => buildLocalConfig({ otlpGrpcPort: "70000" }, {}, "/w", false)).toThrow(/^--otlp-grpc-port \(or LOGCLAW_OTLP_GRPC_PORT\): /);
    expect(() => buildLocalConfig({}, { LOGCLAW_RETENTION_DAYS: "zero" }, "/w", false)).toThrow(/^--retention-days \(or LOGCLAW_RETENTION_DAYS\): /);
  });
});
