import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { PlatformName } from "../../../contracts/tenant/schema";
import type { SqliteTicketStore } from "../../../runtime/store/sqlite/tickets";
import { ALL_PLATFORMS, buildHarness, closeTicketingWorld, Fakes, makeIncident, openTicketingWorld, TENANT, TestClock } from "./fixtures";

const everywhere = { critical: ALL_PLATFORMS, high: ALL_PLATFORMS, medium: ALL_PLATFORMS, low: ALL_PLATFORMS };

describe("platform clients against documented request shapes", () => {
  let fakes: Fakes, dir: string, store: SqliteTicketStore, clock: TestClock;
  beforeEach(async () => ({ fakes, dir, store, clock } = await openTicketingWorld("logclaw-tickets-")));
  afterEach(() => closeTicketingWorld({ fakes, dir, store }));

  it("files one ticket per platform with RCA, mapped severity and the fingerprint as dedup key", async () => {
    const { agent, dispatcher } = buildHarness({ tenant: fakes.tenant(everywhere), store, fakes, clock });
    await agent.handle({ type: "opened", incident: makeIncident({ severity: "critical" }) });
    await dispatcher.drain();

    for (const fake of fakes.all()) expect(fake.rejected).toEqual([]);
    const [issue] = fakes.jira.created;
    expect(fakes.jira.created).toHaveLength(1);
    expect(issue!.fields.priority).toEqual({ name: "Highest" });
    expect(issue!.fields.labels).toContain("logclaw-fp-checkout-db-timeout");
    expect(issue!.fields.summary).toBe("[CRITICAL] checkout: upstream payments timed out");

    const [sn] = [...fakes.servicenow.incidents.values()];
    expect(fakes.servicenow.incidents.size).toBe(1);
    expect(sn!.fields).toMatchObject({ correlation_id: "fp-checkout-db-timeout", urgency: "1", impact: "1", assignment_group: "SRE" });

    const pd = fakes.pagerduty.alerts.get("fp-checkout-db-timeout");
    expect(pd?.events[0]).toMatchObject({ event_action: "trigger", payload: { severity: "critical", source: "checkout", component: "payments" } });
    expect(pd?.events[0].links[0].href).toContain("var-incident=inc-1");

    const og = fakes.opsgenie.alerts.get("fp-checkout-db-timeout");
    expect(og).toMatchObject({ priority: "P1", count: 1, status: "open" });
    expect(og!.body.responders).toEqual([{ name: "sre", type: "team" }]);

    expect(fakes.slack.messages).toHaveLength(1);
    expect(fakes.slack.messages[0].blocks[0]).toMatchObject({ type: "header" });

    const [zt] = [...fakes.zammad.tickets.values()];
    expect(zt).toMatchObject({ priority: "3 high", group: "Users", customer: "ops@acme.test", state: "new" });

    // Every request carries the RCA, and none carries the secret or the e-mail from the logs.
    for (const fake of fakes.all()) {
      const create = fake.accepted[0]!;
      expect(create.rawBody).toContain("Root cause");
      expect(create.rawBody).not.toContain("hunter2");
      expect(create.rawBody).not.toContain("alice@example.com");
    }
    const tickets = await store.listTickets(TENANT, {});
    expect(tickets.map((t) => t.status)).toEqual(Array(6).fill("open"));
    expect(tickets.find((t) => t.platform === "jira")).toMatchObject({ externalId: "OPS-1", externalUrl: `${fakes.jira.url}/browse/OPS-1` });
  });

  it("updates the existing ticket on a repeat, escalates severity, and resolves everywhere", async () => {
    const { agent, dispatcher } = buildHarness({ tenant: fakes.tenant(everywhere), store, fakes, clock });
    const first = makeIncident({ severity: "medium" });
    await agent.handle({ type: "opened", incident: first });
    await dispatcher.drain();
    const escalated = { ...first, severity: "critical" as const, occurrences: 2, lastSeen: "2026-11-22T03:05:00.000Z" };
    await agent.handle({ type: "updated", incident: escalated });
    await dispatcher.drain();

    expect(fakes.jira.created).toHaveLength(1);
    expect(fakes.jira.created[0]!.comments).toHaveLength(1);
    expect(fakes.jira.created[0]!.fields.priority).toEqual({ name: "Highest" });
    const sn = [...fakes.servicenow.incidents.values()][0]!;
    expect(fakes.servicenow.incidents.size).toBe(1);
    expect(sn.workNotes[0]).toContain("occurrence 2");
    expect(sn.fields.urgency).toBe("1");
    expect(fakes.pagerduty.alerts.size).toBe(1);
    expect(fakes.pagerduty.alerts.get(first.fingerprint)!.events.map((e) => e.payload.severity)).toEqual(["warning", "critical"]);
    const og = fakes.opsgenie.alerts.get(first.fingerprint)!;
    expect(og.notes).toHaveLength(1);
    expect(og.priority).toBe("P1");
    expect(fakes.slack.messages).toHaveLength(2);
    expect(fakes.slack.messages[1].text).toContain("escalated from medium to critical");
    const zt = [...fakes.zammad.tickets.values()][0]!;
    expect(zt.priority).toBe("3 high");
    expect(zt.articles).toHaveLength(2);

    await agent.handle({ type: "resolved", incident: { ...escalated, status: "resolved", resolvedAt: "2026-11-22T03:10:00.000Z" } });
    await dispatcher.drain();
    expect(fakes.jira.created[0]!.status).toBe("Done");
    expect(sn.fields).toMatchObject({ state: "6", close_code: "Solved (Permanently)" });
    expect(fakes.pagerduty.alerts.get(first.fingerprint)!.status).toBe("resolved");
    expect(og.status).toBe("closed");
    expect(fakes.slack.messages[2].text).toContain("resolved");
    expect(zt.state).toBe("closed");
    for (const fake of fakes.all()) expect(fake.rejected).toEqual([]);
    expect((await store.listTickets(TENANT, {})).every((t) => t.status === "resolved")).toBe(true);
    expect(await store.countOutbox(TENANT)).toEqual({ pending: 0, delivered: 18, failed: 0 });
  });

  // pdjs itself retries a 429 three times before it gives up, so PagerDuty needs four in a row.
  const rateLimitedRequests = (p: PlatformName) => (p === "pagerduty" ? 4 : 1);

  describe.each(ALL_PLATFORMS)("%s", (platform) => {
    const only = { critical: [platform], high: [platform], medium: [platform], low: [platform] };

    it("waits out 429 Retry-After, then files exactly one ticket", async () => {
      const { agent, dispatcher, registry } = buildHarness({ tenant: fakes.tenant(only), store, fakes, clock });
      const fake = fakes.get(platform);
      for (let i = 0; i < rateLimitedRequests(platform); i++) fake.faults.push({ status: 429, retryAfter: "30" });
      await agent.handle({ type: "opened", incident: makeIncident() });
      await dispatcher.drain();
      expect(fakes.ticketCount(platform)).toBe(0);
      const [item] = await store.listOutbox(TENANT, {});
      expect(item).toMatchObject({ status: "pending", attempts: 1, nextAttemptAt: "2026-11-22T04:00:30.000Z" });
      expect(item!.lastError).toContain("429");

      clock.advance(29_000);
      expect(await dispatcher.runOnce()).toBe(0);
      clock.advance(1_000);
      await dispatcher.drain();
      expect(fakes.ticketCount(platform)).toBe(1);
      expect(fake.rejected).toEqual([]);
      expect(await store.countOutbox(TENANT)).toEqual({ pending: 0, delivered: 1, failed: 0 });
      expect(await registry.getSingleMetricAsString("logclaw_ticketing_delivery_retries_total")).toContain(
        `platform="${platform}",action="create",reason="http_429"`,
      );
      // Measured once per create, at its first attempt: the 30 s wait is the platform's, not ours.
      expect(await registry.getSingleMetricAsString("logclaw_ticketing_enqueue_to_first_request_seconds")).toContain(
        `logclaw_ticketing_enqueue_to_first_request_seconds_count{platform="${platform}"} 1`,
      );
    });

    it("retries a 500 with backoff and a timeout, without doubling the ticket", async () => {
      const { agent, dispatcher } = buildHarness({ tenant: fakes.tenant(only), store, fakes, clock, timeoutMs: 300 });
      const fake = fakes.get(platform);
      fake.faults.push({ status: 500 }, { hang: true });
      await agent.handle({ type: "opened", incident: makeIncident() });
      await dispatcher.drain();
      let [item] = await store.listOutbox(TENANT, {});
      expect(item).toMatchObject({ attempts: 1, nextAttemptAt: "2026-11-22T04:00:01.000Z" });
      clock.advance(1_000);
      await dispatcher.drain();
      [item] = await store.listOutbox(TENANT, {});
      expect(item).toMatchObject({ attempts: 2, nextAttemptAt: "2026-11-22T04:00:03.000Z", status: "pending" });
      expect(item!.lastError).toMatch(/timed out|abort/i);
      clock.advance(2_000);
      await dispatcher.drain();
      expect(fakes.ticketCount(platform)).toBe(1);
      expect(await store.countOutbox(TENANT)).toEqual({ pending: 0, delivered: 1, failed: 0 });
    });

    it("keeps a permanently rejected call as failed, counted, and retries the ticket on the next occurrence", async () => {
      const { agent, dispatcher, registry } = buildHarness({ tenant: fakes.tenant(only), store, fakes, clock });
      const fake = fakes.get(platform);
      const rejections = platform === "pagerduty" ? { status: 400, body: { status: "invalid event", message: "Event object is invalid" } } : { status: 400 };
      fake.faults.push(rejections);
      await agent.handle({ type: "opened", incident: makeIncident() });
      await dispatcher.drain();
      const [failed] = await store.listOutbox(TENANT, { status: "failed" });
      expect(failed).toMatchObject({ action: "create", attempts: 1, platform });
      expect((await store.listTickets(TENANT, {}))[0]!.status).toBe("failed");
      expect(await registry.getSingleMetricAsString("logclaw_ticketing_delivery_failures_total")).toContain(
        `platform="${platform}",action="create",reason="http_400"`,
      );

      await agent.handle({ type: "updated", incident: makeIncident({ occurrences: 2, lastSeen: "2026-11-22T03:09:00.000Z" }) });
      await dispatcher.drain();
      expect(fakes.ticketCount(platform)).toBe(1);
      expect((await store.listTickets(TENANT, {}))[0]!.status).toBe("open");
    });
  });
});

describe("a create whose answer was lost", () => {
  let fakes: Fakes, dir: string, store: SqliteTicketStore;
  beforeEach(async () => ({ fakes, dir, store } = await openTicketingWorld("logclaw-lost-")));
  afterEach(() => closeTicketingWorld({ fakes, dir, store }));

  // Jira and ServiceNow have no idempotency key: the retry looks the ticket up by fingerprint first.
  // PagerDuty and OpsGenie deduplicate natively by dedup_key / alias.
  it.each(["jira", "servicenow", "pagerduty", "opsgenie"] as const)("is adopted on %s instead of filed twice", async (platform) => {
    const clock = new TestClock();
    const only = { critical: [platform], high: [platform], medium: [platform], low: [platform] };
    const { agent, dispatcher } = buildHarness({ tenant: fakes.tenant(only), store, fakes, clock });
    fakes.get(platform).faults.push({ dropAnswer: true });
    await agent.handle({ type: "opened", incident: makeIncident() });
    await dispatcher.drain();
    expect(fakes.ticketCount(platform)).toBe(1);
    clock.advance(1_000);
    await dispatcher.drain();
    expect(fakes.ticketCount(platform)).toBe(1);
    const [ticket] = await store.listTickets(TENANT, {});
    expect(ticket!.status).toBe("open");
    if (platform === "jira") expect(ticket!.externalId).toBe("OPS-1");
    if (platform === "servicenow") expect(ticket!.externalId).toBe([...fakes.servicenow.incidents.keys()][0]);
  });
});
