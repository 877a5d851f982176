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

  it("refuses to bind beyond loopback without a key, with one line saying how to set one", () => {
    expect(() => buildLocalConfig({ host: "0.0.0.0" }, {}, "/w", false)).toThrow(
      "--host 0.0.0.0 accepts other machines, and without a key anyone reaching it reads and writes your logs: set --api-key (or LOGCLAW_API_KEY), or pass --insecure-no-auth",
    );
    expect(buildLocalConfig({ host: "0.0.0.0", apiKey: "k" }, {}, "/w", false).host).toBe("0.0.0.0");
    expect(buildLocalConfig({ host: "0.0.0.0", insecureNoAuth: true }, {}, "/w", false).insecureNoAuth).toBe(true);
    expect(buildLocalConfig({ host: "::" }, { LOGCLAW_INSECURE_NO_AUTH: "1" }, "/w", false).host).toBe("::");
    expect(buildLocalConfig({ host: "127.0.0.2" }, {}, "/w", false).host).toBe("127.0.0.2");
  });

  it("names the flag and its variable when a value is invalid", () => {
    expect(() => buildLocalConfig({ otlpGrpcPort: "70000" }, {}, "/w", false)).toThrow(/^--otlp-grpc-port \(or LOGCLAW_OTLP_GRPC_PORT\): /);
    expect(() => buildLocalConfig({}, { LOGCLAW_RETENTION_DAYS: "zero" }, "/w", false)).toThrow(/^--retention-days \(or LOGCLAW_RETENTION_DAYS\): /);
  });
});
