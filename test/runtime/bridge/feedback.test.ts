import { describe, expect, it } from "vitest";
import type { DetectionFeedback, Incident } from "../../../contracts/records";
import { BridgePipeline } from "../../../runtime/bridge";
import { beyondDismissed, Dismissals } from "../../../runtime/bridge/lifecycle";
import { createTemplateMiner } from "../../../runtime/bridge/template";
import type { DetectionFeedback as Feedback } from "../../../contracts/records";
import { opened, run, T0, traffic, type TestLog } from "./support";

/** A pipeline with its host-owned verdicts, as local mode builds it. */
function pipeline(): BridgePipeline & { applyFeedback(f: Feedback): void } {
  const dismissals = new Dismissals("acme");
  return Object.assign(new BridgePipeline({ tenantId: "acme", miner: createTemplateMiner(), dismissals }), {
    applyFeedback: (f: Feedback) => {
      dismissals.apply(f);
    },
  });
}

const MIN = 60_000;

/** Expected 401s at the login endpoint: a burst a person judges benign. */
const burst = (from: number, errorEvery: number) =>
  traffic("gateway", from, from + MIN, 20, { errorEvery, errorBody: (i) => `login failed for user u${i}: invalid credentials (401)` });
const steady = traffic("gateway", T0, T0 + 45 * MIN, 20);

function phases(second: readonly TestLog[]): { first: TestLog[]; second: TestLog[] } {
  const cut = T0 + 8 * MIN;
  const all = [...steady, ...burst(T0 + 4 * MIN, 4), ...second];
  return { first: all.filter((l) => l.at < cut), second: all.filter((l) => l.at >= cut) };
}

function dismissal(incident: Incident, overrides: Partial<DetectionFeedback> = {}): DetectionFeedback {
  return {
    tenant: "acme",
    fingerprint: incident.fingerprint,
    incidentId: incident.id,
    kind: "dismissed",
    peakErrors: incident.peakErrors ?? 0,
    services: [incident.rootCauseService, incident.service, ...incident.affectedServices],
    ...overrides,
  };
}

describe("'not an incident' feedback in detection", () => {
  it("keeps a dismissed fingerprint closed when the same benign traffic comes back, within and after the cooldown", () => {
    for (const again of [T0 + 12 * MIN, T0 + 35 * MIN]) {
      const p = pipeline();
      const { first, second } = phases(burst(again, 4));
      const before = run(p, first, false).events;
      const [incident] = opened(before);
      expect(incident).toMatchObject({ rootCauseService: "gateway", family: "auth" });
      const last = before.filter((e) => e.incident.id === incident.id).at(-1)!.incident;
      expect(last.peakErrors).toBe(50);
      p.applyFeedback(dismissal(last));
      expect(p.openIncidents()).toEqual([]);
      const after = run(p, second).events;
      expect(after.filter((e) => e.type !== "resolved")).toEqual([]);
    }
  });

  it("publishes the peak a burst reaches after opening, so a verdict on what was published covers the whole burst", () => {
    // Started mid-window: the incident opens on a partial window and the full one comes after.
    const offset = 7_000;
    const p = pipeline();
    const all = [...steady, ...burst(T0 + 4 * MIN + offset, 4), ...burst(T0 + 35 * MIN + offset, 4)];
    const cut = T0 + 8 * MIN;
    const before = run(p, all.filter((l) => l.at < cut), false).events;
    const [incident] = opened(before);
    expect(incident.peakErrors).toBeLessThan(50);
    const last = before.filter((e) => e.incident.id === incident.id).at(-1)!.incident;
    expect(last.peakErrors).toBe(50);
    p.applyFeedback(dismissal(last));
    expect(opened(run(p, all.filter((l) => l.at >= cut)).events)).toEqual([]);
  });

  it("without the verdict the same replay does open again (the test above is not vacuous)", () => {
    const p = pipeline();
    const { first, second } = phases(burst(T0 + 35 * MIN, 4));
    expect(opened(run(p, first, false).events)).toHaveLength(1);
    expect(opened(run(p, second).events)).toHaveLength(1);
  });

  it("opens again when the evidence grows beyond what was dismissed", () => {
    const p = pipeline();
    const { first, second } = phases(burst(T0 + 35 * MIN, 2));
    const [incident] = opened(run(p, first, false).events);
    p.applyFeedback(dismissal(incident, { peakErrors: 50 }));
    const [again] = opened(run(p, second).events);
    expect(again).toMatchObject({ fingerprint: incident.fingerprint });
    expect(again.peakErrors).toBe(100);
  });

  it("ignores another tenant's verdict and can be lifted", () => {
    for (const feedback of [{ tenant: "globex" }, { kind: "lifted" as const }]) {
      const p = pipeline();
      const { first, second } = phases(burst(T0 + 35 * MIN, 4));
      const [incident] = opened(run(p, first, false).events);
      // The verdict under test replaces (globex) or follows (lifted) a dismissal of acme's own.
      if (feedback.kind) p.applyFeedback(dismissal(incident, { peakErrors: 50 }));
      p.applyFeedback(dismissal(incident, { peakErrors: 50, ...feedback }));
      expect(opened(run(p, second).events)).toHaveLength(1);
    }
  });

  it("judges growth with the detection's own Poisson tail level, and a wider blast radius", () => {
    const d = { incidentId: "i", peakErrors: 20, services: ["gateway"], suppressed: 0 };
    expect(beyondDismissed(d, 45, ["gateway"], 1e-6)).toBe(false);
    expect(beyondDismissed(d, 46, ["gateway"], 1e-6)).toBe(true);
    expect(beyondDismissed({ ...d, peakErrors: 5 }, 19, ["gateway"], 1e-6)).toBe(false);
    expect(beyondDismissed({ ...d, peakErrors: 5 }, 20, ["gateway"], 1e-6)).toBe(true);
    expect(beyondDismissed(d, 5, ["gateway", "checkout"], 1e-6)).toBe(true);
  });
});
