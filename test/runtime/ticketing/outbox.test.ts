import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { SqliteTicketStore } from "../../../runtime/store/sqlite/tickets";
import { ruleBasedRca } from "../../../runtime/ticketing";
import { buildHarness, closeTicketingWorld, Fakes, makeIncident, openTicketingWorld, TENANT, TestClock } from "./fixtures";

const jiraAndPd = { critical: ["jira", "pagerduty"] as const, high: ["jira", "pagerduty"] as const, medium: [], low: [] };

describe("persisted outbox", () => {
  let fakes: Fakes, dir: string, store: SqliteTicketStore, clock: TestClock;
  beforeEach(async () => ({ fakes, dir, store, clock } = await openTicketingWorld("logclaw-outbox-")));
  afterEach(() => closeTicketingWorld({ fakes, dir, store }));

  it("delivers everything after a platform outage, nothing lost or doubled", async () => {
    const { agent, dispatcher } = buildHarness({ tenant: fakes.tenant({ ...jiraAndPd, critical: [...jiraAndPd.critical], high: [...jiraAndPd.high] }), store, fakes, clock });
    fakes.jira.outage = { status: 503 };
    for (let i = 0; i < 20; i++) {
      await agent.handle({ type: "opened", incident: makeIncident({ id: `inc-${i}`, fingerprint: `fp-${i}` }) });
    }
    // Ten repeats while Jira is down: they queue behind their ticket's create.
    for (let i = 0; i < 10; i++) {
      await agent.handle({ type: "updated", incident: makeIncident({ id: `inc-${i}`, fingerprint: `fp-${i}`, occurrences: 2, lastSeen: "2026-11-22T03:30:00.000Z" }) });
    }
    for (let round = 0; round < 6; round++) {
      await dispatcher.drain();
      clock.advance(60_000);
    }
    expect(fakes.jira.issues.size).toBe(0);
    expect(fakes.pagerduty.alerts.size).toBe(20);
    expect((await store.listOutbox(TENANT, { status: "pending", limit: 1000 })).filter((i) => i.platform === "jira")).toHaveLength(30);

    fakes.jira.outage = null;
    clock.advance(15 * 60_000);
    await dispatcher.drain();

    expect(fakes.jira.issues.size).toBe(20);
    const labels = fakes.jira.created.map((i) => i.fields.labels[1]).sort();
    expect(new Set(labels).size).toBe(20);
    expect(fakes.jira.created.reduce((n, i) => n + i.comments.length, 0)).toBe(10);
    expect(await store.countOutbox(TENANT)).toEqual({ pending: 0, delivered: 60, failed: 0 });
    expect(fakes.jira.rejected).toEqual([]);
  });

  it("gives a crashed owner's leased item to another dispatcher once the lease expires", async () => {
    const tenant = fakes.tenant({ critical: ["jira"], high: ["jira"], medium: [], low: [] });
    const { agent } = buildHarness({ tenant, store, fakes, clock });
    await agent.handle({ type: "opened", incident: makeIncident() });
    const now = clock.now().toISOString();
    const claimed = await store.claimDue(TENANT, "crashed", now, new Date(clock.now().getTime() + 60_000).toISOString(), 10);
    expect(claimed).toHaveLength(1);

    const survivor = buildHarness({ tenant, store, fakes, clock, owner: "survivor" });
    expect(await survivor.dispatcher.runOnce()).toBe(0);
    clock.advance(60_000);
    await survivor.dispatcher.drain();
    expect(fakes.jira.issues.size).toBe(1);
    // The crashed owner's late completion is ignored: the item belongs to the survivor now.
    await store.markFailed(claimed[0]!.item.id, "crashed", "late", clock.now().toISOString());
    expect(await store.countOutbox(TENANT)).toEqual({ pending: 0, delivered: 1, failed: 0 });
  });

  it("opens a new ticket when a resolved fingerprint fails again, and the old resolve closes the old one", async () => {
    const tenant = fakes.tenant({ critical: ["jira"], high: ["jira"], medium: [], low: [] });
    const { agent, dispatcher } = buildHarness({ tenant, store, fakes, clock });
    fakes.jira.outage = { status: 503 };
    await agent.handle({ type: "opened", incident: makeIncident() });
    await agent.handle({ type: "resolved", incident: makeIncident({ status: "resolved", resolvedAt: "2026-11-22T03:10:00.000Z" }) });
    await agent.handle({ type: "opened", incident: makeIncident({ id: "inc-again", lastSeen: "2026-11-22T05:00:00.000Z" }) });
    await dispatcher.drain();
    fakes.jira.outage = null;
    clock.advance(60_000);
    await dispatcher.drain();

    expect(fakes.jira.created.map((i) => [i.key, i.status])).toEqual([
      ["OPS-1", "Done"],
      ["OPS-2", "To Do"],
    ]);
    const [ticket] = await store.listTickets(TENANT, {});
    expect(ticket).toMatchObject({ status: "open", externalId: "OPS-2", incidentId: "inc-again" });
  });

  it("records an event for a platform atomically: the same event twice enqueues once", async () => {
    const incident = makeIncident();
    const rca = ruleBasedRca(incident, { samples: [], traceLogs: [], blastRadius: {}, errors: [] }, (s) => s, clock.now().toISOString(), null);
    const input = { tenant: TENANT, platform: "jira" as const, type: "opened" as const, incident, rca, now: clock.now().toISOString() };
    const results = await Promise.all([store.recordEvent(input), store.recordEvent(input)]);
    expect(results.map((r) => r.outcome).sort()).toEqual(["created", "duplicate_event"]);
    expect(await store.countOutbox(TENANT)).toEqual({ pending: 1, delivered: 0, failed: 0 });
  });
});
