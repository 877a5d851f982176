import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tenantSchema, type PlatformName } from "../../../contracts/tenant/schema";
import { INCIDENT_SEVERITIES } from "../../../contracts/records";
import { LOCAL_FOLDER_TARGET, routeIncident } from "../../../runtime/ticketing";
import { ALL_PLATFORMS, buildHarness, Fakes, makeIncident, openSqliteTicketStore, TENANT, TestClock } from "./fixtures";

const routing = {
  critical: ["pagerduty", "slack", "jira"],
  high: ["opsgenie", "jira"],
  medium: ["servicenow", "zammad"],
  low: [],
} satisfies Record<string, PlatformName[]>;

describe("routing by severity", () => {
  let fakes: Fakes;
  let dir: string;

  beforeAll(async () => {
    fakes = await new Fakes().start();
    dir = mkdtempSync(join(tmpdir(), "logclaw-routing-"));
  });

  afterAll(async () => {
    await fakes.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("keeps only configured platforms and drops duplicates", () => {
    const integrations = { ...fakes.tenant(routing).integrations, opsgenie: undefined, routing: { ...routing, high: ["opsgenie", "jira", "jira"] as PlatformName[] } };
    expect(routeIncident(integrations, "high")).toEqual(["jira"]);
  });

  it.each(INCIDENT_SEVERITIES)("files a %s incident exactly on its routed platforms", async (severity) => {
    const store = openSqliteTicketStore(join(dir, severity));
    const before = Object.fromEntries(ALL_PLATFORMS.map((p) => [p, fakes.ticketCount(p)]));
    const { agent, dispatcher } = buildHarness({ tenant: fakes.tenant(routing), store, fakes, clock: new TestClock() });
    await agent.handle({ type: "opened", incident: makeIncident({ id: `inc-${severity}`, fingerprint: `fp-${severity}`, severity }) });
    await dispatcher.drain();
    const filed = ALL_PLATFORMS.filter((p) => fakes.ticketCount(p) > before[p]!);
    expect(filed.sort()).toEqual([...routing[severity]].sort());
    expect((await store.listTickets(TENANT, {})).map((t) => t.platform).sort()).toEqual([...routing[severity]].sort());
    await store.close();
  });

  it("adds the platforms of a higher severity when an incident escalates, and keeps updating the old ones", async () => {
    const store = openSqliteTicketStore(join(dir, "escalation"));
    const { agent, dispatcher } = buildHarness({ tenant: fakes.tenant(routing), store, fakes, clock: new TestClock() });
    const incident = makeIncident({ id: "inc-esc", fingerprint: "fp-esc", severity: "medium" });
    await agent.handle({ type: "opened", incident });
    await agent.handle({ type: "updated", incident: { ...incident, severity: "critical", occurrences: 2, lastSeen: "2026-11-22T03:01:00.000Z" } });
    await dispatcher.drain();
    const tickets = await store.listTickets(TENANT, {});
    expect(Object.fromEntries(tickets.map((t) => [t.platform, t.occurrences]))).toEqual({
      servicenow: 2,
      zammad: 2,
      pagerduty: 1,
      slack: 1,
      jira: 1,
    });
    expect(tickets.every((t) => t.severity === "critical")).toBe(true);
    await store.close();
  });
});

describe("routing fallback to the local ticket folder", () => {
  const bare = tenantSchema.parse({ id: TENANT, tier: "starter", environment: "local", retentionDays: 7, ingest: { logsPerSecond: 1000, burst: 2000 } });

  it.each(INCIDENT_SEVERITIES)("sends a %s incident to the folder when the tenant configures no platform", (severity) => {
    expect(routeIncident(bare.integrations, severity, LOCAL_FOLDER_TARGET)).toEqual([LOCAL_FOLDER_TARGET]);
  });

  it("sends nothing anywhere without a fallback (a cluster has no folder)", () => {
    expect(INCIDENT_SEVERITIES.map((s) => routeIncident(bare.integrations, s))).toEqual(INCIDENT_SEVERITIES.map(() => []));
  });

  it("never uses the folder once a platform is configured, not even for a severity routed nowhere", () => {
    const { integrations } = tenantSchema.parse({
      ...bare,
      integrations: {
        pagerduty: { credentials: { key: "logclaw/acme/pagerduty" } },
        slack: { channel: "#incidents", credentials: { key: "logclaw/acme/slack" } },
        routing: { critical: ["pagerduty", "slack"], high: ["slack"], medium: [], low: [] },
      },
    });
    expect(routeIncident(integrations, "critical", LOCAL_FOLDER_TARGET)).toEqual(["pagerduty", "slack"]);
    expect(routeIncident(integrations, "high", LOCAL_FOLDER_TARGET)).toEqual(["slack"]);
    expect(routeIncident(integrations, "medium", LOCAL_FOLDER_TARGET)).toEqual([]);
    expect(routeIncident(integrations, "low", LOCAL_FOLDER_TARGET)).toEqual([]);
  });
});
