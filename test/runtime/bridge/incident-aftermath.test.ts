import { describe, expect, it } from "vitest";
import { detectionTuningSchema } from "../../../runtime/bridge/detect/tuning";
import { evidenceLimits, IncidentManager, type Detection } from "../../../runtime/bridge/lifecycle";

const T0 = Date.parse("2026-01-05T08:00:00.000Z");
const S = 1000;
const limits = evidenceLimits(detectionTuningSchema.parse({}));

function detection(over: Partial<Detection>): Detection {
  return {
    path: "windowed",
    service: "cart",
    rootCauseService: "cart",
    affectedServices: [],
    family: "span_errors",
    templateId: "t-span",
    template: "cart span errors",
    score: 0.9,
    signals: [{ name: "span_errors", weight: 0.9 }],
    firstSeenMs: T0,
    detectedAtMs: T0,
    lastSeenMs: T0,
    traceIds: [],
    sampleLogIds: [],
    timeline: [],
    templateIds: [],
    ...over,
  };
}

/** A change of log pattern alone, tested over pooled windows: its evidence begins at `onsetMs`. */
const mixOnly = (onsetMs: number, detectedAtMs: number) =>
  detection({ family: "template_mix", templateId: "t-probe", template: "circuit breaker closed after successful probe", signals: [{ name: "template_mix", weight: 0.6 }], firstSeenMs: onsetMs, detectedAtMs, lastSeenMs: detectedAtMs - 10 * S, errorCount: 0 });

describe("incident lifecycle: evidence that began while an incident was open", () => {
  /** An incident on cart from T0 to its last evidence at T0 + 150 s, resolved one quiet period later. */
  function resolvedIncident(): { manager: IncidentManager; resolvedAtMs: number } {
    const manager = new IncidentManager("acme", limits);
    expect(manager.handle(detection({ detectedAtMs: T0, lastSeenMs: T0 + 150 * S }))?.type).toBe("opened");
    const resolvedAtMs = T0 + 150 * S + limits.quietMs;
    expect(manager.resolveQuiet(resolvedAtMs).map((e) => e.type)).toEqual(["resolved"]);
    return { manager, resolvedAtMs };
  }

  it("a change of log pattern on the same root that began before it resolved is its aftermath: no new incident, no reopening", () => {
    const { manager, resolvedAtMs } = resolvedIncident();
    const event = manager.handle(mixOnly(resolvedAtMs - 100 * S, resolvedAtMs + 20 * S));
    expect(event === null || event.type === "updated").toBe(true);
    expect(event?.incident.status ?? "resolved").toBe("resolved");
    expect(manager.open()).toEqual([]);
  });

  it("one that began after it resolved opens as before, and so does one on another service", () => {
    const later = resolvedIncident();
    expect(later.manager.handle(mixOnly(later.resolvedAtMs + 10 * S, later.resolvedAtMs + 60 * S))?.type).toBe("opened");
    const other = resolvedIncident();
    const elsewhere = { ...mixOnly(other.resolvedAtMs - 100 * S, other.resolvedAtMs + 20 * S), service: "ledger", rootCauseService: "ledger" };
    expect(other.manager.handle(elsewhere)?.type).toBe("opened");
  });
});
