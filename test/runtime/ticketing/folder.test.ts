import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { Registry } from "prom-client";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tenantSchema } from "../../../contracts/tenant/schema";
import {
  createTicketingMetrics,
  FolderTicketClient,
  LOCAL_FOLDER_TARGET,
  OutboxDispatcher,
  RcaEngine,
  TicketingAgent,
  type PlatformClient,
  type TicketTarget,
} from "../../../runtime/ticketing";
import { makeIncident, MemoryLogStore, openSqliteTicketStore, TENANT, TestClock } from "./fixtures";
import { outgoingRedactor } from "../../../runtime/bridge/redact";

const DASHBOARD = "http://127.0.0.1:3000";

/** A tenant with no ticket platform: local mode's default. */
const bareTenant = tenantSchema.parse({ id: TENANT, tier: "starter", environment: "local", retentionDays: 7, ingest: { logsPerSecond: 1000, burst: 2000 } });

describe("the local ticket folder as a delivery target", () => {
  let root: string;
  let ticketsDir: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "logclaw-folder-"));
    ticketsDir = join(root, "tickets");
  });

  afterEach(() => rmSync(root, { recursive: true, force: true }));

  function build(clock: TestClock) {
    const store = openSqliteTicketStore(join(root, "data"));
    const logger = pino({ level: "silent" });
    const metrics = createTicketingMetrics(new Registry());
    const redact = outgoingRedactor(bareTenant.redaction);
    const clients = new Map<TicketTarget, PlatformClient>([[LOCAL_FOLDER_TARGET, new FolderTicketClient(ticketsDir, DASHBOARD, clock.now)]]);
    const dispatcher = new OutboxDispatcher({ tenant: TENANT, store, clients, redact, dashboardUrl: DASHBOARD, metrics, logger, now: clock.now, owner: "test" });
    const rca = new RcaEngine({ llm: null, redact, metrics, logger, now: clock.now });
    const agent = new TicketingAgent({
      tenant: bareTenant,
      store,
      logs: new MemoryLogStore(),
      rca,
      dispatcher,
      redact,
      metrics,
      logger,
      now: clock.now,
      fallbackTarget: LOCAL_FOLDER_TARGET,
    });
    return { store, dispatcher, agent };
  }

  const files = () => readdirSync(ticketsDir).filter((f) => f.endsWith(".md"));

  it("creates one Markdown file, updates the same file on a repeat and marks it resolved", async () => {
    const clock = new TestClock();
    const { store, dispatcher, agent } = build(clock);
    const incident = makeIncident();

    await agent.handle({ type: "opened", incident });
    await dispatcher.drain();
    expect(files()).toHaveLength(1);
    const [ticket] = await store.listTickets(TENANT, {});
    expect(ticket).toMatchObject({ platform: LOCAL_FOLDER_TARGET, status: "open", occurrences: 1 });
    const name = files()[0]!;
    expect(ticket!.externalUrl).toBe(`${DASHBOARD}/tickets/${name}`);
    const created = readFileSync(join(ticketsDir, name), "utf8");
    expect(created).toContain("- **Status:** open");
    expect(created).toContain(`[Open in LogClaw](${DASHBOARD}/#/incidents/inc-1)`);
    // Redaction applies to the folder as to any platform.
    expect(created).not.toContain("hunter2");

    clock.advance(60_000);
    await agent.handle({ type: "updated", incident: { ...incident, occurrences: 2, severity: "critical", lastSeen: "2026-11-22T03:01:00.000Z" } });
    await dispatcher.drain();
    expect(files()).toEqual([name]);
    const updated = readFileSync(join(ticketsDir, name), "utf8");
    expect(updated).toContain("- **Occurrences:** 2");
    expect(updated).toContain("- **Severity:** critical (escalated from high)");
    expect(updated).toContain("updated: 2 occurrences, severity critical");

    clock.advance(60_000);
    await agent.handle({ type: "resolved", incident: { ...incident, status: "resolved", resolvedAt: "2026-11-22T03:05:00.000Z" } });
    await dispatcher.drain();
    expect(files()).toEqual([name]);
    const resolved = readFileSync(join(ticketsDir, name), "utf8");
    expect(resolved).toContain("- **Status:** resolved");
    // The history keeps every step, oldest first.
    expect(resolved.split("## History")[1]!.trim().split("\n")).toEqual([
      "- 2026-11-22T04:00:00.000Z created",
      "- 2026-11-22T04:01:00.000Z updated: 2 occurrences, severity critical",
      "- 2026-11-22T04:02:00.000Z resolved",
    ]);
    expect((await store.listTickets(TENANT, {}))[0]).toMatchObject({ status: "resolved", occurrences: 2 });
    await store.close();
  });

  it("writes a fresh file when a resolved fingerprint fails again", async () => {
    const clock = new TestClock();
    const { store, dispatcher, agent } = build(clock);
    const incident = makeIncident();
    await agent.handle({ type: "opened", incident });
    await agent.handle({ type: "resolved", incident: { ...incident, status: "resolved" } });
    await dispatcher.drain();
    await agent.handle({ type: "opened", incident: { ...incident, id: "inc-2", lastSeen: "2026-11-22T03:10:00.000Z" } });
    await dispatcher.drain();
    expect(files()).toHaveLength(2);
    await store.close();
  });
});
