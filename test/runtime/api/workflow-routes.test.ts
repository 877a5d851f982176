import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DetectionFeedback, Incident } from "../../../contracts/records";
import type { SqliteIncidentStore } from "../../../runtime/store/sqlite/incidents";
import { makeIncident, TENANT } from "../ticketing/fixtures";
import { serveApi, type ServedApi } from "./serve";

const TOKEN = "k3y";
const NOW = "2026-11-22T05:00:00.000Z";

describe("incident workflow API", () => {
  let api: ServedApi;
  let base: string;
  let incidents: SqliteIncidentStore;
  let feedback: DetectionFeedback[];
  let resolved: string[];

  beforeEach(async () => {
    feedback = [];
    resolved = [];
    api = await serveApi(
      TOKEN,
      async (stores) => {
        await stores.incidents.upsert(makeIncident({ id: "inc-a", status: "open", peakErrors: 42 }));
        await stores.incidents.upsert(makeIncident({ id: "inc-globex", tenant: "globex", status: "open" }));
      },
      {
        now: () => new Date(NOW),
        onFeedback: (f) => {
          feedback.push(f);
        },
        onResolve: async (i) => {
          resolved.push(i.id);
        },
      },
    );
    base = api.base;
    incidents = api.incidents;
  });

  afterEach(() => api.close());

  const post = (path: string, body: unknown, token: string | null = TOKEN) =>
    fetch(`${base}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
  const act = async (action: string, body: unknown) => {
    const res = await post(`/api/incidents/inc-a/${action}`, body);
    expect(res.status).toBe(200);
    return ((await res.json()) as { incident: Incident }).incident;
  };

  it("acknowledges, assigns, notes and snoozes, and shows the workflow on the incident and the list", async () => {
    expect((await act("acknowledge", { by: "ana" })).workflow).toMatchObject({ acknowledgedAt: NOW, acknowledgedBy: "ana", verdict: "confirmed" });
    await act("assign", { owner: "payments on-call", by: "ana" });
    await act("notes", { text: "pool size raised to 50", by: "bo" });
    const snoozed = await act("snooze", { until: "2026-11-22T07:00:00Z" });
    expect(snoozed.status).toBe("open");
    expect(snoozed.workflow).toMatchObject({
      assignee: "payments on-call",
      snoozedUntil: "2026-11-22T07:00:00.000Z",
      notes: [{ at: NOW, author: "bo", text: "pool size raised to 50" }],
    });
    expect(snoozed.workflow?.history.map((h) => h.action)).toEqual(["acknowledge", "assign", "note", "snooze"]);
    const one = (await (await fetch(`${base}/api/incidents/inc-a`, { headers: { Authorization: `Bearer ${TOKEN}` } })).json()) as { incident: Incident };
    expect(one.incident.workflow?.assignee).toBe("payments on-call");
    const list = (await (await fetch(`${base}/api/incidents`, { headers: { Authorization: `Bearer ${TOKEN}` } })).json()) as { incidents: Incident[] };
    expect(list.incidents.find((i) => i.id === "inc-a")?.workflow?.acknowledgedBy).toBe("ana");
    // The bridge's next update of the incident does not erase it: workflows are stored apart.
    await incidents.upsert(makeIncident({ id: "inc-a", status: "open", occurrences: 9 }));
    const after = (await (await fetch(`${base}/api/incidents/inc-a`, { headers: { Authorization: `Bearer ${TOKEN}` } })).json()) as { incident: Incident };
    expect(after.incident.workflow?.notes).toHaveLength(1);
  });

  it("marks 'not an incident': resolves it, hands the dismissed evidence to detection, counts it in /metrics; confirm lifts it", async () => {
    const dismissed = await act("not-an-incident", { reason: "expected 401s from the load test", by: "ana" });
    expect(dismissed).toMatchObject({ status: "resolved", resolvedAt: NOW });
    expect(dismissed.workflow).toMatchObject({ verdict: "not_an_incident", verdictReason: "expected 401s from the load test" });
    expect(resolved).toEqual(["inc-a"]);
    expect(feedback).toEqual([
      { tenant: TENANT, fingerprint: "fp-checkout-db-timeout", incidentId: "inc-a", kind: "dismissed", peakErrors: 42, services: ["cart", "checkout", "payments"] },
    ]);
    let metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toContain('logclaw_incident_verdicts{verdict="dismissed"} 1');
    expect(metrics).toContain('logclaw_incident_verdicts{verdict="confirmed"} 0');
    await act("confirm", {});
    expect(feedback[1]).toMatchObject({ kind: "lifted", incidentId: "inc-a" });
    metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toContain('logclaw_incident_verdicts{verdict="confirmed"} 1');
    expect(metrics).toContain('logclaw_incident_verdicts{verdict="dismissed"} 0');
  });

  it.each([
    ["snooze", { until: "2026-11-22T04:00:00Z" }, "body field until: must be in the future"],
    ["snooze", { until: "2027-11-22T04:00:00Z" }, "at most 30 days"],
    ["snooze", { until: "tomorrow" }, "body field until"],
    ["assign", {}, "body field owner"],
    ["notes", { text: "" }, "body field text"],
    ["not-an-incident", {}, "body field reason"],
    ["acknowledge", { colour: "red" }, "colour"],
  ])("answers 400 naming the field for %s %j", async (action, body, message) => {
    const res = await post(`/api/incidents/inc-a/${action}`, body);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toContain(message);
  });

  it("hides another tenant's incident and needs the key", async () => {
    expect((await post("/api/incidents/inc-globex/acknowledge", {})).status).toBe(404);
    expect((await post("/api/incidents/inc-a/acknowledge", {}, null)).status).toBe(401);
    expect(feedback).toEqual([]);
  });
});
