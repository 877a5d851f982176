import { describe, expect, it } from "vitest";
import type { IncidentWorkflow } from "../../../../contracts/records";
import { Dismissals } from "../../../../runtime/bridge/lifecycle";
import type { WorkflowChanges } from "../../../../runtime/ports/stores";
import { VerdictFollower } from "../../../../runtime/services/bridge/verdicts";

function workflow(incidentId: string, updatedAt: string, verdict: IncidentWorkflow["verdict"], peakErrors = 20): IncidentWorkflow {
  return {
    incidentId,
    tenant: "acme",
    fingerprint: `fp-${incidentId}`,
    acknowledgedAt: null,
    acknowledgedBy: null,
    assignee: null,
    snoozedUntil: null,
    verdict,
    verdictReason: null,
    verdictAt: verdict ? updatedAt : null,
    notes: [],
    history: [],
    dismissed: verdict === "not_an_incident" ? { peakErrors, services: ["gateway"] } : null,
    updatedAt,
  };
}

/** The workflow index as the follower sees it: documents replaced by incident id, filtered by verdict and updatedAt like the OpenSearch query. */
class FakeWorkflows implements WorkflowChanges {
  readonly docs = new Map<string, IncidentWorkflow>();
  readonly calls: (string | null)[] = [];
  failWith: Error | null = null;

  save(w: IncidentWorkflow): void {
    this.docs.set(w.incidentId, w);
  }

  /** Returns every tenant's documents: the follower must not trust the query alone. */
  async changedSince(_tenant: string, since: string | null): Promise<IncidentWorkflow[]> {
    this.calls.push(since);
    if (this.failWith) throw this.failWith;
    return [...this.docs.values()]
      .filter((w) => (since === null ? w.verdict !== null : w.updatedAt >= since))
      .sort((a, b) => a.updatedAt.localeCompare(b.updatedAt));
  }
}

function follower(store: FakeWorkflows) {
  const dismissals = new Dismissals("acme");
  const lines: { level: string; line: string }[] = [];
  const follow = new VerdictFollower({
    tenantId: "acme",
    dismissals,
    source: store,
    warn: (_d, line) => lines.push({ level: "warn", line }),
    info: (_d, line) => lines.push({ level: "info", line }),
  });
  return { dismissals, lines, follow };
}

describe("VerdictFollower (a bridge replica's view of the workflow index)", () => {
  it("reads every verdict first, then only what changed since the newest seen less a minute of overlap", async () => {
    const store = new FakeWorkflows();
    store.save(workflow("i1", "2026-12-07T10:00:00.000Z", "not_an_incident", 12));
    store.save(workflow("i2", "2026-12-07T10:01:00.000Z", "confirmed"));
    const { dismissals, follow } = follower(store);
    expect(await follow.refresh()).toBe(true);
    expect(store.calls).toEqual([null]);
    expect(dismissals.get("fp-i1")).toMatchObject({ incidentId: "i1", peakErrors: 12, services: ["gateway"] });
    expect(dismissals.dismisses("i1")).toBe(true);
    expect(dismissals.get("fp-i2")).toBeUndefined();

    store.save(workflow("i3", "2026-12-07T10:05:00.000Z", "not_an_incident", 30));
    await follow.refresh();
    expect(store.calls[1]).toBe("2026-12-07T10:00:00.000Z");
    expect(dismissals.get("fp-i3")?.peakErrors).toBe(30);
    expect(dismissals.get("fp-i1")?.peakErrors).toBe(12);
    await follow.refresh();
    expect(store.calls[2]).toBe("2026-12-07T10:04:00.000Z");
  });

  it("lifts a dismissal when the verdict is changed to confirmed in another process", async () => {
    const store = new FakeWorkflows();
    store.save(workflow("i1", "2026-12-07T10:00:00.000Z", "not_an_incident"));
    const { dismissals, follow } = follower(store);
    await follow.refresh();
    expect(dismissals.get("fp-i1")).toBeDefined();
    store.save(workflow("i1", "2026-12-07T10:02:00.000Z", "confirmed"));
    await follow.refresh();
    expect(dismissals.get("fp-i1")).toBeUndefined();
    expect(dismissals.dismisses("i1")).toBe(false);
  });

  it("keeps reading in full until a first verdict exists (the index may not exist yet)", async () => {
    const store = new FakeWorkflows();
    const { dismissals, follow } = follower(store);
    await follow.refresh();
    await follow.refresh();
    expect(store.calls).toEqual([null, null]);
    store.save(workflow("i1", "2026-12-07T10:00:00.000Z", "not_an_incident"));
    await follow.refresh();
    expect(dismissals.dismisses("i1")).toBe(true);
  });

  it("keeps the last known verdicts when reading fails, warns once per outage and says when it recovers", async () => {
    const store = new FakeWorkflows();
    store.save(workflow("i1", "2026-12-07T10:00:00.000Z", "not_an_incident"));
    const { dismissals, lines, follow } = follower(store);
    await follow.refresh();
    store.failWith = new Error("connect ECONNREFUSED 10.0.0.7:9200");
    expect(await follow.refresh()).toBe(false);
    expect(await follow.refresh()).toBe(false);
    expect(dismissals.dismisses("i1")).toBe(true);
    expect(lines.filter((l) => l.level === "warn")).toEqual([{ level: "warn", line: "could not read incident verdicts; detection keeps the verdicts it has" }]);
    store.failWith = null;
    store.save(workflow("i2", "2026-12-07T10:03:00.000Z", "not_an_incident"));
    expect(await follow.refresh()).toBe(true);
    // The failed reads did not move the position: the verdict made during the outage is read.
    expect(store.calls.at(-1)).toBe("2026-12-07T09:59:00.000Z");
    expect(dismissals.dismisses("i2")).toBe(true);
    expect(lines.map((l) => l.line)).toEqual([
      "applied incident verdicts",
      "could not read incident verdicts; detection keeps the verdicts it has",
      "incident verdicts readable again",
      "applied incident verdicts",
    ]);
  });

  it("ignores another tenant's workflows", async () => {
    const store = new FakeWorkflows();
    store.save({ ...workflow("i1", "2026-12-07T10:00:00.000Z", "not_an_incident"), tenant: "other" });
    const { dismissals, follow } = follower(store);
    await follow.refresh();
    expect(dismissals.list()).toEqual([]);
  });
});
