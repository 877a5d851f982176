import { rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { Agent, getGlobalDispatcher, setGlobalDispatcher, type Dispatcher } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import type { LocalModeHandle } from "../../../../runtime/services/local/local-mode";
import { openDatabase } from "../../../../runtime/store/sqlite/database";
import { INCIDENT_MIGRATIONS, SqliteIncidentStore } from "../../../../runtime/store/sqlite/incidents";
import { FakeJira } from "../../../support/platforms";
import { selfSignedCert } from "../../../support/platforms/server";
import { makeIncident, TENANT } from "../../ticketing/fixtures";
import { localConfig, startLocal, tempDataDir } from "./harness";

async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("local mode with Jira configured", () => {
  let handle: LocalModeHandle | null = null;
  let jira: FakeJira | null = null;
  let dataDir = "";
  let dispatcher: Dispatcher | null = null;
  afterEach(async () => {
    if (dispatcher) setGlobalDispatcher(dispatcher);
    dispatcher = null;
    await handle?.close();
    await jira?.close();
    handle = null;
    jira = null;
    rmSync(dirname(dataDir), { recursive: true, force: true });
  });

  it("turns an acknowledge through the API into exactly one comment on the incident's Jira issue", async () => {
    // The tenant schema insists on https: the fake serves a throwaway certificate this process trusts
    // (through fetch's global dispatcher, so certificate checking stays on).
    const tls = selfSignedCert();
    dispatcher = getGlobalDispatcher();
    setGlobalDispatcher(new Agent({ connect: { ca: tls.cert } }));
    jira = await new FakeJira("ops@acme.test", "jira-token", "OPS").start(tls);
    dataDir = tempDataDir();
    const tenantFile = join(dirname(dataDir), `${TENANT}.yaml`);
    writeFileSync(
      tenantFile,
      [
        `id: ${TENANT}`,
        "tier: standard",
        "environment: local",
        "retentionDays: 7",
        "ingest:",
        "  logsPerSecond: 1000",
        "  burst: 2000",
        "integrations:",
        "  jira:",
        `    baseUrl: ${jira.url}`,
        "    projectKey: OPS",
        "    issueType: Bug",
        "    credentials:",
        `      key: logclaw/${TENANT}/jira`,
        "  routing:",
        "    critical: [jira]",
        "    high: [jira]",
        "    medium: [jira]",
        "    low: [jira]",
      ].join("\n"),
    );
    const config = await localConfig(dataDir, { tenantFile });
    handle = await startLocal(config, undefined, { LOGCLAW_JIRA_EMAIL: "ops@acme.test", LOGCLAW_JIRA_API_TOKEN: "jira-token" });

    // The incident as the pipeline stores it, then its ticket as the pipeline hands it to ticketing.
    const incident = makeIncident({ tenant: TENANT });
    const db = openDatabase(config.dataDir, INCIDENT_MIGRATIONS);
    await new SqliteIncidentStore(db).upsert(incident);
    db.close();
    await handle.ticketing.handle({ type: "opened", incident });
    await until(() => jira!.issues.has("OPS-1"), "the Jira issue");

    const api = `${handle.urls.dashboard}/api/incidents/${encodeURIComponent(incident.id)}/acknowledge`;
    const response = await fetch(api, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ by: "alice" }) });
    expect(response.status).toBe(200);
    await until(() => jira!.issues.get("OPS-1")!.comments.length > 0, "the comment");
    // Let the outbox settle, then count: one action, one comment.
    await new Promise((r) => setTimeout(r, 300));
    const comments = jira.issues.get("OPS-1")!.comments;
    expect(comments).toHaveLength(1);
    expect(JSON.stringify(comments[0])).toContain("acknowledged by alice");
    expect(jira.rejected).toEqual([]);
  });
});
