import { describe, expect, it } from "vitest";
import type { PlatformName } from "../../../contracts/tenant/schema";
import type { Incident } from "../../../contracts/records";
import { ruleBasedRca, type TicketStore } from "../../../runtime/ticketing";
import { makeIncident } from "./fixtures";

let tenantCounter = 0;

/**
 * The behaviour every {@link TicketStore} must show, run against SQLite (unit) and OpenSearch
 * (integration). Each test works in its own tenant so a shared cluster needs no cleanup.
 */
export function describeTicketStoreContract(name: string, open: () => Promise<TicketStore>): void {
  describe(`${name} TicketStore contract`, () => {
    const T0 = "2026-11-22T04:00:00.000Z";
    const at = (s: number) => new Date(Date.parse(T0) + s * 1000).toISOString();

    function setup() {
      const tenant = `t${process.pid}-${++tenantCounter}`;
      const event = (type: "opened" | "updated" | "resolved", overrides: Partial<Incident> = {}, platform: PlatformName = "jira") => {
        const incident = makeIncident({ tenant, ...overrides });
        const rca = ruleBasedRca(incident, { samples: [], traceLogs: [], blastRadius: {}, errors: [] }, (s) => s, T0, null);
        return { tenant, platform, type, incident, rca, now: T0 };
      };
      return { tenant, event };
    }

    it("creates once when the same event races, and counts repeats when different events race", async () => {
      const store = await open();
      const { tenant, event } = setup();
      const same = await Promise.all(Array.from({ length: 4 }, () => store.recordEvent(event("opened"))));
      expect(same.filter((r) => r.outcome === "created")).toHaveLength(1);
      expect(same.filter((r) => r.outcome === "duplicate_event")).toHaveLength(3);
      const repeats = await Promise.all(
        [2, 3, 4].map((n) => store.recordEvent(event("updated", { occurrences: n, lastSeen: at(n), severity: n === 4 ? "critical" : "high" }))),
      );
      expect(repeats.map((r) => r.outcome)).toEqual(["updated", "updated", "updated"]);
      const [ticket] = await store.listTickets(tenant, {});
      expect(ticket).toMatchObject({ occurrences: 4, severity: "critical", status: "pending" });
      expect(await store.countOutbox(tenant)).toEqual({ pending: 4, delivered: 0, failed: 0 });
      await store.close();
    });

    it("releases a ticket's items in order and hands the create's platform id to the later ones", async () => {
      const store = await open();
      const { tenant, event } = setup();
      await store.recordEvent(event("opened"));
      await store.recordEvent(event("updated", { occurrences: 2, lastSeen: at(1) }));
      const first = await store.claimDue(tenant, "a", T0, at(60), 10);
      expect(first.map((c) => c.item.action)).toEqual(["create"]);
      expect(await store.claimDue(tenant, "b", T0, at(60), 10)).toEqual([]);
      await store.markDelivered(first[0]!.item.id, "a", { externalId: "OPS-7", externalUrl: "https://jira/browse/OPS-7" }, at(1));
      const second = await store.claimDue(tenant, "b", at(1), at(61), 10);
      expect(second.map((c) => [c.item.action, c.item.externalId])).toEqual([["update", "OPS-7"]]);
      expect(second[0]!.ticket).toMatchObject({ status: "open", externalId: "OPS-7", externalUrl: "https://jira/browse/OPS-7" });
      await store.markRetry(second[0]!.item.id, "b", at(30), "http_503", at(2));
      expect(await store.claimDue(tenant, "c", at(29), at(89), 10)).toEqual([]);
      const third = await store.claimDue(tenant, "c", at(30), at(90), 10);
      expect(third[0]!.item).toMatchObject({ attempts: 1, lastError: "http_503" });
      await store.markDelivered(third[0]!.item.id, "c", {}, at(31));
      expect(await store.countOutbox(tenant)).toEqual({ pending: 0, delivered: 2, failed: 0 });
      await store.close();
    });

    it("gives a claimed item to one owner only, and ignores a stale owner", async () => {
      const store = await open();
      const { tenant, event } = setup();
      await store.recordEvent(event("opened"));
      const claims = await Promise.all(["x", "y", "z"].map((owner) => store.claimDue(tenant, owner, T0, at(60), 10)));
      expect(claims.flat()).toHaveLength(1);
      const winner = ["x", "y", "z"][claims.findIndex((c) => c.length === 1)]!;
      const loser = winner === "x" ? "y" : "x";
      await store.markFailed(claims.flat()[0]!.item.id, loser, "not mine", at(1));
      expect(await store.countOutbox(tenant)).toEqual({ pending: 1, delivered: 0, failed: 0 });
      await store.close();
    });

    it("fails the items behind a failed create, keeps them listed, and recreates on the next occurrence", async () => {
      const store = await open();
      const { tenant, event } = setup();
      await store.recordEvent(event("opened"));
      await store.recordEvent(event("updated", { occurrences: 2, lastSeen: at(1) }));
      const [claim] = await store.claimDue(tenant, "a", T0, at(60), 10);
      await store.markFailed(claim!.item.id, "a", "http_400", at(1));
      expect(await store.countOutbox(tenant)).toEqual({ pending: 0, delivered: 0, failed: 2 });
      const failed = await store.listOutbox(tenant, { status: "failed" });
      expect(failed.map((i) => [i.action, i.lastError])).toEqual([
        ["create", "http_400"],
        ["update", "create failed: http_400"],
      ]);
      expect((await store.listTickets(tenant, {}))[0]!.status).toBe("failed");
      const again = await store.recordEvent(event("updated", { occurrences: 3, lastSeen: at(2) }));
      expect(again.outcome).toBe("created");
      await store.close();
    });

    it("resolves a live ticket once and ignores a resolve without one", async () => {
      const store = await open();
      const { tenant, event } = setup();
      expect((await store.recordEvent(event("resolved"))).outcome).toBe("no_ticket");
      await store.recordEvent(event("opened"));
      expect((await store.recordEvent(event("resolved", { status: "resolved" }))).outcome).toBe("resolved");
      expect((await store.recordEvent(event("resolved", { status: "resolved", lastSeen: at(5) }))).outcome).toBe("no_ticket");
      expect((await store.listTickets(tenant, { status: "resolved" })).map((t) => t.platform)).toEqual(["jira"]);
      expect((await store.listOutbox(tenant, { status: "pending" })).map((i) => i.action)).toEqual(["create", "resolve"]);
      await store.close();
    });

    it("queues a workflow comment once per action key, behind the create, with the create's platform id", async () => {
      const store = await open();
      const { tenant, event } = setup();
      const opened = event("opened");
      const comment = (key: string) => ({ ...opened, comment: { key, action: "acknowledge" as const, by: "alice", at: T0, text: "acknowledged by alice" } });
      expect((await store.recordComment(comment("inc#1"))).outcome).toBe("no_ticket");
      await store.recordEvent(opened);
      const raced = await Promise.all([1, 2, 3].map(() => store.recordComment(comment("inc#1"))));
      expect(raced.map((r) => r.outcome).sort()).toEqual(["commented", "duplicate_comment", "duplicate_comment"]);
      expect((await store.recordComment(comment("inc#2"))).outcome).toBe("commented");
      const [create] = await store.claimDue(tenant, "a", T0, at(60), 10);
      expect(create!.item.action).toBe("create");
      await store.markDelivered(create!.item.id, "a", { externalId: "OPS-9" }, at(1));
      const [first] = await store.claimDue(tenant, "a", at(1), at(61), 10);
      expect(first!.item).toMatchObject({ action: "comment", externalId: "OPS-9", payload: { comment: { key: "inc#1" } } });
      await store.markDelivered(first!.item.id, "a", {}, at(2));
      const [second] = await store.claimDue(tenant, "a", at(2), at(62), 10);
      expect(second!.item.payload.comment?.key).toBe("inc#2");
      await store.markDelivered(second!.item.id, "a", {}, at(3));
      // Delivered is not forgotten: the same action synced again still queues nothing.
      expect((await store.recordComment(comment("inc#1"))).outcome).toBe("duplicate_comment");
      expect(await store.countOutbox(tenant)).toEqual({ pending: 0, delivered: 3, failed: 0 });
      await store.close();
    });

    it("stores the analysis of an incident per tenant", async () => {
      const store = await open();
      const { tenant, event } = setup();
      const { rca } = event("opened");
      await store.saveAnalysis(tenant, "inc-1", rca);
      expect(await store.getAnalysis(tenant, "inc-1")).toEqual(rca);
      expect(await store.getAnalysis(`${tenant}-other`, "inc-1")).toBeNull();
      await store.close();
    });
  });
}
