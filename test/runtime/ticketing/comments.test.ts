import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { TicketComment } from "../../../contracts/tickets";
import type { SqliteTicketStore } from "../../../runtime/store/sqlite/tickets";
import { ALL_PLATFORMS, buildHarness, closeTicketingWorld, Fakes, makeIncident, openTicketingWorld, TENANT, TestClock } from "./fixtures";

const everywhere = { critical: ALL_PLATFORMS, high: ALL_PLATFORMS, medium: ALL_PLATFORMS, low: ALL_PLATFORMS };

function ack(n: number, text = "acknowledged by alice"): TicketComment {
  return { key: `inc-1#${n}`, action: "acknowledge", by: "alice", at: "2026-11-22T03:10:00.000Z", text };
}

describe("workflow actions as ticket comments", () => {
  let fakes: Fakes, dir: string, store: SqliteTicketStore, clock: TestClock;
  beforeEach(async () => ({ fakes, dir, store, clock } = await openTicketingWorld("logclaw-comments-")));
  afterEach(() => closeTicketingWorld({ fakes, dir, store }));

  it("comments on the live ticket of every platform that takes comments, in each platform's documented shape", async () => {
    const { agent, dispatcher } = buildHarness({ tenant: fakes.tenant(everywhere), store, fakes, clock });
    const incident = makeIncident();
    await agent.handle({ type: "opened", incident });
    // Enqueued before the create is delivered: the comment waits behind it and gets its platform id.
    await agent.comment(incident, { ...ack(1), action: "note", text: "note by alice: <b>rolled back</b> payments v2" });
    await dispatcher.drain();
    for (const fake of fakes.all()) expect(fake.rejected).toEqual([]);

    const jira = fakes.jira.accepted.filter((r) => r.method === "POST" && r.path === "/rest/api/3/issue/OPS-1/comment");
    expect(jira).toHaveLength(1);
    expect(jira[0]!.body.body).toMatchObject({ type: "doc", version: 1, content: [{ type: "paragraph" }] });
    expect(JSON.stringify(jira[0]!.body.body)).toContain("note by alice: <b>rolled back</b> payments v2");

    const [sn] = [...fakes.servicenow.incidents.values()];
    const patch = fakes.servicenow.accepted.filter((r) => r.method === "PATCH");
    expect(patch).toHaveLength(1);
    expect(Object.keys(patch[0]!.body)).toEqual(["work_notes"]);
    expect(sn!.workNotes[0]).toContain("note by alice: <b>rolled back</b> payments v2 (alice, 2026-11-22T03:10:00.000Z) [logclaw-action inc-1#1]");

    const og = fakes.opsgenie.alerts.get("fp-checkout-db-timeout")!;
    const ogNote = fakes.opsgenie.accepted.find((r) => r.path.endsWith("/notes"))!;
    expect(ogNote.query.get("identifierType")).toBe("alias");
    expect(ogNote.body).toMatchObject({ user: "alice", source: "LogClaw" });
    expect(og.notes[0]).toContain("note by alice");

    const [zt] = [...fakes.zammad.tickets.values()];
    const article = zt!.articles[1];
    expect(article).toMatchObject({ ticket_id: zt!.id, type: "note", internal: true, content_type: "text/html" });
    // HTML-escaped: a note's markup is text, never markup on the ticket.
    expect(article.body).toContain("&lt;b&gt;rolled back&lt;/b&gt;");

    expect(fakes.slack.messages).toHaveLength(2);
    expect(fakes.slack.messages[1].text).toContain("note by alice");

    // PagerDuty's Events API v2 (routing key only) has no notes: the alert gets no extra event.
    expect(fakes.pagerduty.alerts.get("fp-checkout-db-timeout")?.events).toHaveLength(1);
    const outbox = await store.listOutbox(TENANT, {});
    expect(outbox.filter((i) => i.action === "comment").map((i) => i.platform).sort()).toEqual(["jira", "opsgenie", "servicenow", "slack", "zammad"]);
    expect(outbox.every((i) => i.status === "delivered")).toBe(true);
  });

  it("enqueues one comment per action key, however often the action is synced", async () => {
    const only = { critical: ["jira" as const], high: ["jira" as const], medium: ["jira" as const], low: ["jira" as const] };
    const { agent, dispatcher } = buildHarness({ tenant: fakes.tenant(only), store, fakes, clock });
    const incident = makeIncident();
    await agent.handle({ type: "opened", incident });
    await dispatcher.drain();
    await agent.comment(incident, ack(1));
    await agent.comment(incident, ack(1));
    await dispatcher.drain();
    await agent.comment(incident, ack(1));
    await agent.comment(incident, { ...ack(2), action: "assign", text: "assigned to bob by alice" });
    await dispatcher.drain();
    expect(fakes.jira.issues.get("OPS-1")!.comments.map((c) => JSON.stringify(c))).toEqual([
      expect.stringContaining("acknowledged by alice"),
      expect.stringContaining("assigned to bob by alice"),
    ]);
  });

  // Jira, ServiceNow, OpsGenie and Zammad take no idempotency key on comments: the retry looks for the
  // action's marker among the ticket's comments first. (Slack's webhook cannot read the channel.)
  it.each(["jira", "servicenow", "opsgenie", "zammad"] as const)("does not post a retried comment twice on %s when the first answer was lost", async (platform) => {
    const only = { critical: [platform], high: [platform], medium: [platform], low: [platform] };
    const { agent, dispatcher } = buildHarness({ tenant: fakes.tenant(only), store, fakes, clock });
    const incident = makeIncident();
    await agent.handle({ type: "opened", incident });
    await dispatcher.drain();
    const comments = (): string[] => {
      if (platform === "jira") return fakes.jira.issues.get("OPS-1")!.comments.map((c) => JSON.stringify(c));
      if (platform === "servicenow") return [...fakes.servicenow.incidents.values()][0]!.workNotes;
      if (platform === "opsgenie") return fakes.opsgenie.alerts.get("fp-checkout-db-timeout")!.notes;
      return [...fakes.zammad.tickets.values()][0]!.articles.slice(1).map((a: { body: string }) => a.body);
    };
    fakes.get(platform).faults.push({ dropAnswer: true });
    await agent.comment(incident, ack(1));
    await dispatcher.drain();
    expect(comments()).toHaveLength(1);
    const [pending] = await store.listOutbox(TENANT, { status: "pending" });
    expect(pending).toMatchObject({ action: "comment", attempts: 1 });
    clock.advance(60_000);
    await dispatcher.drain();
    expect(comments()).toHaveLength(1);
    expect(comments()[0]).toContain("acknowledged by alice");
    expect((await store.listOutbox(TENANT, {})).every((i) => i.status === "delivered")).toBe(true);
    expect(fakes.get(platform).rejected).toEqual([]);
  });

  it("comments nowhere when the incident has no live ticket", async () => {
    const { agent, dispatcher } = buildHarness({ tenant: fakes.tenant(everywhere), store, fakes, clock });
    await agent.comment(makeIncident(), ack(1));
    await dispatcher.drain();
    expect(await store.listOutbox(TENANT, {})).toEqual([]);
  });
});
