import { describe, expect, it } from "vitest";
import type { IncidentEvent, Signal } from "../../../contracts/records";
import type { Detection } from "../../../runtime/bridge/detect/detection";
import { rootMixOnly } from "../../../runtime/bridge/detect/mix-root";
import type { SpanDetection } from "../../../runtime/bridge/detect/span-detector";
import { jitter, request, T0, toRequest, type SpanSpec } from "./span-requests";
import { otlp, pipeline, type TestLog } from "./support";

function mixDetection(p: number, extra: Partial<Detection> = {}): Detection {
  return {
    path: "windowed",
    service: "catalog",
    rootCauseService: "catalog",
    affectedServices: [],
    family: "template_mix",
    templateId: "t1",
    template: "cache miss for item <*>",
    score: 0.55,
    signals: [{ name: "template_mix", weight: 0.55, p }],
    firstSeenMs: 0,
    detectedAtMs: 10_000,
    lastSeenMs: 10_000,
    traceIds: ["log-trace"],
    sampleLogIds: [],
    timeline: [],
    templateIds: [],
    errorCount: 0,
    ...extra,
  };
}

function spanVerdict(p: number, root = "orders"): SpanDetection {
  const signal: Signal = { name: "span_call_gap", weight: 0.4, caller: "gateway", callee: root, p };
  return {
    rootCauseService: root,
    affectedServices: ["gateway"],
    candidates: [
      { service: root, score: 0.8, evidence: [] },
      { service: "gateway", score: 0.2, evidence: [] },
    ],
    sustained: false,
    family: "latency",
    templateId: `span:call:gateway:${root}`,
    template: "call gap",
    score: 0.7,
    signals: [signal],
    traceIds: ["span-trace"],
    detectedAtMs: 10_000,
    firstSeenMs: 0,
  };
}

describe("rootMixOnly: a change of log pattern alone is rooted where the window's evidence is strongest", () => {
  it("roots a mix-only detection at the span candidate whose test is more surprising, the mix's service affected", () => {
    const d = rootMixOnly(mixDetection(1e-4), spanVerdict(1e-9), false);
    expect(d.rootCauseService).toBe("orders");
    expect(d.affectedServices).toEqual(["catalog", "gateway"]);
    expect(d.candidates?.map((c) => c.service)).toEqual(["orders", "gateway"]);
    expect(d.signals.map((s) => s.name)).toEqual(["template_mix", "span_call_gap"]);
    expect(d.traceIds).toEqual(["span-trace", "log-trace"]);
    expect([d.family, d.templateId]).toEqual(["latency", "span:call:gateway:orders"]);
  });

  it("keeps the mix's own service when its test is the more surprising one", () => {
    const d = mixDetection(1e-12);
    expect(rootMixOnly(d, spanVerdict(1e-9), false)).toBe(d);
  });

  it("leaves a mix-only detection of a service already in an open incident to that incident (its lines shift as it fails or recovers)", () => {
    const d = mixDetection(1e-4);
    expect(rootMixOnly(d, spanVerdict(1e-9), true)).toBe(d);
  });

  it("leaves detections with errors, other families and windows without span anomalies alone", () => {
    const withErrors = mixDetection(1e-4, { errorCount: 3 });
    expect(rootMixOnly(withErrors, spanVerdict(1e-9), false)).toBe(withErrors);
    const errorSpike = mixDetection(1e-4, { family: "error_spike" });
    expect(rootMixOnly(errorSpike, spanVerdict(1e-9), false)).toBe(errorSpike);
    const quiet = mixDetection(1e-4);
    expect(rootMixOnly(quiet, null, false)).toBe(quiet);
    const same = mixDetection(1e-4);
    expect(rootMixOnly(same, spanVerdict(1e-9, "catalog"), false)).toBe(same);
  });
});

/**
 * 40 windows: `catalog` logs a hit/miss/list mix (no errors) that shifts at window 30; `gateway ->
 * orders` spans whose call gap jumps from ~4 ms to ~900 ms at the same window when `slow`.
 */
function replay(withSpans: boolean): IncidentEvent[] {
  const p = pipeline();
  const events: IncidentEvent[] = [];
  let n = 0;
  for (let s = 0; s < 400; s++) {
    const at = T0 + s * 1000;
    const shifted = s >= 300;
    const logs: TestLog[] = [];
    for (let k = 0; k < 12; k++, n++) {
      const u = jitter(n);
      const hit = shifted ? 0.3 : 0.6;
      const body = u < hit ? `cache hit for item ${n}` : u < 0.9 ? `cache miss for item ${n}, loading it from the database` : `listing page ${n % 7} of the catalog`;
      logs.push({ service: "catalog", at: at + k * 80, body });
    }
    events.push(...p.processOtlp(otlp(logs), "json", "test").incidentEvents);
    if (withSpans) {
      const batch: SpanSpec[] = request(at + 100, shifted ? 900 + 50 * jitter(s) : 3 + jitter(s), 4 + 2 * jitter(s + 7));
      events.push(...p.processTraces(JSON.stringify(toRequest(batch)), "json", "test").incidentEvents);
    }
  }
  events.push(...p.flush().incidentEvents);
  return events;
}

describe("pipeline: a mix-only detection during a span anomaly elsewhere", () => {
  it("opens on the log pattern alone, rooted at its own service, without spans", () => {
    const opened = replay(false).filter((e) => e.type === "opened");
    expect(opened.length).toBeGreaterThan(0);
    expect(opened[0].incident.family).toBe("template_mix");
    expect(opened[0].incident.rootCauseService).toBe("catalog");
  });

  it("with the spans, the first incident is rooted at the slow service and no incident is rooted at the log pattern's service", () => {
    const events = replay(true);
    const opened = events.filter((e) => e.type === "opened");
    expect(opened.length).toBeGreaterThan(0);
    expect(opened[0].incident.rootCauseService).toBe("orders");
    expect(events.some((e) => e.incident.rootCauseService === "catalog")).toBe(false);
  });
});
