import { spawn } from "node:child_process";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { SqliteTicketStore } from "../../../runtime/store/sqlite/tickets";
import type { AgentProcessConfig } from "./agent-process";
import { ALL_PLATFORMS, buildHarness, closeTicketingWorld, Fakes, makeIncident, openSqliteTicketStore, openTicketingWorld, TENANT, TestClock } from "./fixtures";

const everywhere = { critical: ALL_PLATFORMS, high: ALL_PLATFORMS, medium: ALL_PLATFORMS, low: ALL_PLATFORMS };

function runAgentProcess(config: AgentProcessConfig): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", join(__dirname, "agent-process.ts"), JSON.stringify(config)], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve(out) : reject(new Error(`agent process exited ${code}: ${err}`))));
  });
}

describe("deduplication by fingerprint", () => {
  let fakes: Fakes, dir: string, store: SqliteTicketStore, clock: TestClock;
  beforeEach(async () => ({ fakes, dir, store, clock } = await openTicketingWorld("logclaw-dedup-")));
  afterEach(() => closeTicketingWorld({ fakes, dir, store }));

  it("survives a restart: the repeat after reopening the store comments on the existing ticket", async () => {
    const tenant = fakes.tenant(everywhere);
    const opened = { type: "opened" as const, incident: makeIncident() };
    const first = buildHarness({ tenant, store, fakes, clock });
    await first.agent.handle(opened);
    await first.dispatcher.drain();
    await store.close();

    store = openSqliteTicketStore(dir);
    const second = buildHarness({ tenant, store, fakes, clock, owner: "restarted" });
    // Kafka redelivers the uncommitted event after a crash: it must change nothing.
    await second.agent.handle(opened);
    await second.agent.handle({ type: "updated", incident: makeIncident({ id: "inc-2", occurrences: 2, lastSeen: "2026-11-22T03:20:00.000Z" }) });
    await second.dispatcher.drain();

    for (const platform of ALL_PLATFORMS) expect(fakes.ticketCount(platform)).toBe(1);
    expect(fakes.jira.created[0]!.comments).toHaveLength(1);
    expect([...fakes.servicenow.incidents.values()][0]!.workNotes).toHaveLength(1);
    expect(fakes.opsgenie.alerts.get("fp-checkout-db-timeout")!.notes).toHaveLength(1);
    expect(fakes.pagerduty.alerts.get("fp-checkout-db-timeout")!.events).toHaveLength(2);
    const tickets = await store.listTickets(TENANT, {});
    expect(tickets.map((t) => t.occurrences)).toEqual(Array(6).fill(2));
    expect(await second.registry.getSingleMetricAsString("logclaw_ticketing_dedup_total")).toContain('platform="jira",outcome="duplicate_event"} 1');
  });

  it("files one ticket per platform when two agent processes share the data directory", async () => {
    const tenant = fakes.tenant(everywhere);
    const events = [
      { type: "opened" as const, incident: makeIncident() },
      { type: "opened" as const, incident: makeIncident({ id: "inc-b", fingerprint: "fp-cart-oom", family: "oom", severity: "critical" }) },
    ];
    const config = (owner: string): AgentProcessConfig => ({
      dataDir: dir,
      owner,
      tenant,
      credentials: fakes.credentials(),
      opsgenieBaseUrl: fakes.opsgenie.url,
      pagerdutyServer: fakes.pagerduty.host,
      cert: fakes.cert,
      events,
    });
    const outputs = await Promise.all([runAgentProcess(config("proc-a")), runAgentProcess(config("proc-b"))]);

    for (const platform of ALL_PLATFORMS) expect(fakes.ticketCount(platform)).toBe(2);
    for (const fake of fakes.all()) expect(fake.rejected).toEqual([]);
    // Exactly one process created each ticket; the other saw the same event as a duplicate.
    const created = outputs.map((o) => [...o.matchAll(/outcome="created"\} (\d+)/g)].reduce((n, m) => n + Number(m[1]), 0));
    expect(created[0]! + created[1]!).toBe(12);
    expect(await store.countOutbox(TENANT)).toEqual({ pending: 0, delivered: 12, failed: 0 });
    // Two tsx processes start cold: generous on a loaded machine.
  }, 120_000);
});
