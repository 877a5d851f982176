import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { Registry } from "prom-client";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { buildLocalConfig } from "../../../../runtime/services/local/config";
import { resolveLocalTenant } from "../../../../runtime/services/local/tenant";
import { createLocalTicketing } from "../../../../runtime/services/local/ticketing";
import { openDatabase, type SqliteDatabase } from "../../../../runtime/store/sqlite/database";
import { TICKET_MIGRATIONS } from "../../../../runtime/store/sqlite/tickets";
import { FakeLlm, FakeSlack, GOOD_ANSWER } from "../../../support/platforms";
import { makeIncident, MemoryLogStore, TENANT, TestClock } from "../../ticketing/fixtures";

const DASHBOARD = "http://127.0.0.1:3000";

/** A tenant file as a user writes it; `extra` adds top-level YAML sections. */
function tenantYaml(extra: string): string {
  return [
    `id: ${TENANT}`,
    "tier: standard",
    "environment: local",
    "retentionDays: 7",
    "ingest:",
    "  logsPerSecond: 1000",
    "  burst: 2000",
    extra,
  ].join("\n");
}

describe("local mode's ticketing agent", () => {
  let llm: FakeLlm;
  let slack: FakeSlack;
  let root: string;
  let db: SqliteDatabase | null = null;

  beforeAll(async () => {
    llm = await new FakeLlm(null).start();
    slack = await new FakeSlack().start();
  });

  afterAll(async () => {
    await llm.close();
    await slack.close();
  });

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "logclaw-local-ticketing-"));
  });

  afterEach(() => {
    db?.close();
    db = null;
    rmSync(root, { recursive: true, force: true });
  });

  /** Local mode's ticketing as `logclaw start --tenant-file` builds it (null: no tenant file). */
  function start(yaml: string | null, env: NodeJS.ProcessEnv = {}) {
    const tenantFile = yaml === null ? undefined : join(root, `${TENANT}.yaml`);
    if (tenantFile && yaml !== null) writeFileSync(tenantFile, yaml);
    const config = buildLocalConfig({ data: join(root, "data"), tenantFile, tenant: TENANT }, {}, root, false);
    const { tenant, credentials, llm: settings } = resolveLocalTenant(config, env);
    db = openDatabase(config.dataDir, TICKET_MIGRATIONS);
    const clock = new TestClock();
    const ticketing = createLocalTicketing({
      tenant,
      ticketsDir: config.ticketsDir,
      db,
      logs: new MemoryLogStore(),
      credentials,
      llm: settings,
      dashboardUrl: DASHBOARD,
      registry: new Registry(),
      logger: pino({ level: "silent" }),
      now: clock.now,
    });
    const tickets = () => readdirSync(config.ticketsDir).map((f) => readFileSync(join(config.ticketsDir, f), "utf8"));
    return { ...ticketing, config, tickets };
  }

  it("writes the RCA with the LLM a tenant file's llm section configures", async () => {
    const before = llm.accepted.length;
    const local = start(
      tenantYaml(["llm:", "  provider: openai-compatible", "  model: llama3.1", `  baseUrl: ${llm.url}/v1`, "  timeoutMs: 5000"].join("\n")),
    );
    expect(local.consumer.rca).toBe("openai-compatible llama3.1 (rules as fallback)");
    expect(local.consumer.describe).toBe(`written to ${local.config.ticketsDir} (no platform configured)`);

    await local.consumer.handle({ type: "opened", incident: makeIncident() });
    await local.consumer.close();

    const calls = llm.accepted.slice(before);
    expect(calls.map((r) => r.body.model)).toEqual(["llama3.1"]);
    expect(await local.store.getAnalysis(TENANT, "inc-1")).toMatchObject({ source: "llm", model: "llama3.1", rootCause: GOOD_ANSWER.rootCause });
    const [ticket, ...others] = local.tickets();
    expect(others).toEqual([]);
    expect(ticket).toContain(GOOD_ANSWER.rootCause);
  });

  it("uses the rules without a tenant file, and never calls a model", async () => {
    const before = llm.requests.length;
    const local = start(null);
    expect(local.consumer.rca).toBe("rule-based");
    await local.consumer.handle({ type: "opened", incident: makeIncident() });
    await local.consumer.close();
    expect(llm.requests.length).toBe(before);
    expect(await local.store.getAnalysis(TENANT, "inc-1")).toMatchObject({ source: "rules", model: null });
    expect(local.tickets()).toHaveLength(1);
  });

  it("files to the configured platform and writes no folder ticket", async () => {
    const before = slack.messages.length;
    const local = start(
      tenantYaml(
        [
          "integrations:",
          "  slack:",
          '    channel: "#incidents"',
          "    credentials:",
          "      key: logclaw/acme/slack",
          "  routing:",
          "    critical: [slack]",
          "    high: [slack]",
          "    medium: []",
          "    low: []",
        ].join("\n"),
      ),
      { LOGCLAW_SLACK_WEBHOOK_URL: slack.webhookUrl },
    );
    expect(local.consumer.describe).toBe("slack");

    await local.consumer.handle({ type: "opened", incident: makeIncident({ severity: "high" }) });
    // Routed nowhere by the tenant: no ticket at all, and no fallback to the folder either.
    await local.consumer.handle({ type: "opened", incident: makeIncident({ id: "inc-low", fingerprint: "fp-low", severity: "low" }) });
    await local.consumer.close();

    expect(slack.messages.length).toBe(before + 1);
    expect((await local.store.listTickets(TENANT, {})).map((t) => t.platform)).toEqual(["slack"]);
    expect(existsSync(local.config.ticketsDir)).toBe(false);
  });
});
