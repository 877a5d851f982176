import { describe, expect, it } from "vitest";
import { BridgePipeline } from "../../../runtime/bridge";
import { rankRootCauses } from "../../../runtime/bridge/correlate/rank-candidates";
import { decodeOtlpTraces } from "../../../runtime/bridge/decode/otlp-traces";
import { SpanDetector } from "../../../runtime/bridge/detect/span-detector";
import { spanDocuments, type SpanDocument } from "../../../runtime/bridge/spans/span-document";
import { coveredMs, POOLED_WINDOWS, SpanSignals } from "../../../runtime/bridge/spans/span-signals";
import { Baseline, binomialTail, studentTail } from "../../../runtime/bridge/spans/tail-test";
import { createTemplateMiner } from "../../../runtime/bridge/template";
import { isTracesRequest } from "../../../runtime/cli/commands/replay";
import { hex, jitter, request, T0, toProtobuf, toRequest, type SpanSpec } from "./span-requests";

function docs(spans: SpanSpec[]): SpanDocument[] {
  const decoded = decodeOtlpTraces(JSON.stringify(toRequest(spans)), "json");
  if (!decoded.ok) throw decoded.error;
  return spanDocuments(decoded.request, "t1");
}


describe("OTLP trace decoding", () => {
  it("decodes JSON and protobuf to the same documents, rejecting a malformed span alone", () => {
    const spans = request(T0, 4, 5);
    const json = toRequest(spans);
    (json.resourceSpans as { scopeSpans: { spans: unknown[] }[] }[])[0].scopeSpans[0].spans.push({ traceId: "zz", spanId: hex(1, 16) });
    const fromJson = decodeOtlpTraces(JSON.stringify(json), "json");
    expect(fromJson.ok).toBe(true);
    if (!fromJson.ok) return;
    expect(fromJson.rejected).toHaveLength(1);
    expect(fromJson.rejected[0].path).toBe("resourceSpans[0].scopeSpans[0].spans[2]");

    const bytes = toProtobuf(spans);
    const fromPb = decodeOtlpTraces(bytes, "protobuf");
    expect(fromPb.ok).toBe(true);
    if (!fromPb.ok) return;
    expect(spanDocuments(fromPb.request, "t1")).toEqual(spanDocuments(fromJson.request, "t1"));
    const d = spanDocuments(fromJson.request, "t1");
    expect(d.map((x) => [x.service, x.kind, x.parent_span_id === null])).toEqual([
      ["gateway", "internal", true],
      ["gateway", "server", false],
      ["orders", "server", false],
      ["orders", "server", false],
      ["stock", "server", false],
    ]);
    expect(d[0].duration_ms).toBeCloseTo(spans[0].endMs - spans[0].startMs, 3);
  });

  it("fails a payload that is not a request with a reason, and tells traces from logs in a replay stream", () => {
    const bad = decodeOtlpTraces("{", "json");
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.reason).toBe("invalid_json");
    expect(isTracesRequest('{"resourceSpans":[]}')).toBe(true);
    expect(isTracesRequest('{"resourceLogs":[]}')).toBe(false);
    expect(isTracesRequest(' { "x": 1, "resourceSpans": [] }')).toBe(true);
    expect(isTracesRequest("not json")).toBe(false);
  });
});

describe("tail probabilities", () => {
  it("match known values", () => {
    expect(binomialTail(10, 0, 0.3)).toBe(1);
    expect(binomialTail(10, 10, 0.5)).toBeCloseTo(1 / 1024, 10);
    expect(binomialTail(20, 3, 0.01)).toBeCloseTo(0.001003, 5);
    expect(studentTail(2.015, 5)).toBeCloseTo(0.05, 3);
    expect(studentTail(1.96, 1e6)).toBeCloseTo(0.025, 4);
    expect(studentTail(-1, 10)).toBeCloseTo(1 - studentTail(1, 10), 10);
  });

  it("a baseline accepts its own kind of window and rejects a slow one, however bursty the load", () => {
    const b = new Baseline();
    for (let w = 0; w < 60; w++) {
      // Bursty: every window's level moves together by up to 2x.
      const level = 2 * (1 + jitter(w));
      b.learn(Array.from({ length: 8 }, (_, i) => level * (0.8 + 0.4 * jitter(w * 31 + i))), 0);
    }
    expect(b.latency([3.2, 4, 2.9, 3.7]).p).toBeGreaterThan(0.01);
    const slow = b.latency([40, 41, 39]);
    expect(slow.p).toBeLessThan(1e-6);
    expect(slow.exceeding).toBe(3);
    expect(slow.baselineP99).toBeGreaterThan(2);
  });

  it("measures self time as the span minus the union of its children", () => {
    expect(coveredMs([[0, 5], [3, 8], [10, 12]], 0, 20)).toBe(10);
    expect(coveredMs([[-5, 5]], 0, 20)).toBe(5);
  });
});

/** Baseline traffic, then a fault; returns the span detector's window verdicts after the fault starts. */
function run(fault: (i: number) => { gap: number; self: number }, faultFrom: number, windows: number, busy: (w: number) => boolean = () => true) {
  const detector = new SpanDetector({ windowMs: 10_000, alpha: 0.001, maxTraces: 10_000, maxTraceIds: 5 });
  const out = [];
  for (let w = 0; w < windows; w++) {
    for (let r = 0; r < (busy(w) ? 10 : 0); r++) {
      const i = w * 10 + r;
      const base = { gap: 3 + jitter(i), self: 4 + 2 * jitter(i + 7) };
      const { gap, self } = w >= faultFrom ? fault(i) : base;
      for (const d of docs(request(T0 + w * 10_000 + r * 900, gap, self))) detector.add(d, Math.floor(d.end_ms / 10_000));
    }
    const index = Math.floor((T0 + w * 10_000) / 10_000);
    const d = detector.close(index);
    if (w >= faultFrom) out.push(d);
  }
  return out;
}

describe("span signals and root cause", () => {
  it("a network delay in front of a service with one caller names the callee first (the caller only waited on it)", () => {
    const verdicts = run((i) => ({ gap: 800 + 100 * jitter(i), self: 4 + 2 * jitter(i + 7) }), 30, 34);
    const first = verdicts.find((v) => v !== null);
    expect(first).toBeDefined();
    expect(first?.rootCauseService).toBe("orders");
    expect(first?.candidates[0].service).toBe("orders");
    expect(first?.signals.map((s) => s.name)).toContain("span_call_gap");
    expect(verdicts.filter((v) => v?.sustained).length).toBeGreaterThan(0);
  });

  it("a service that got slow itself is blamed through its own self time", () => {
    const verdicts = run((i) => ({ gap: 3 + jitter(i), self: 150 + 20 * jitter(i) }), 30, 34);
    const first = verdicts.find((v) => v !== null);
    expect(first?.rootCauseService).toBe("orders");
    expect(first?.signals[0].name).toBe("span_self_time");
    expect(first?.traceIds.length).toBeGreaterThan(0);
  });

  it("opens only on two anomalous windows whose pooled spans do not overlap: a 20 s blip leads several windows but never opens", () => {
    // Callers retrying through a 20 s restart: two windows of slow calls, then normal again.
    const blip = run((i) => (i < 320 ? { gap: 3 + jitter(i), self: 60 + 10 * jitter(i) } : { gap: 3 + jitter(i), self: 4 + 2 * jitter(i + 7) }), 30, 40);
    expect(blip.filter((v) => v !== null).length).toBeGreaterThan(1);
    expect(blip.filter((v) => v?.sustained)).toEqual([]);
    // The same slow-down lasting: sustained once a window POOLED_WINDOWS later leads again.
    const lasting = run((i) => ({ gap: 3 + jitter(i), self: 60 + 10 * jitter(i) }), 30, 40);
    const first = lasting.findIndex((v) => v !== null);
    const sustained = lasting.findIndex((v) => v?.sustained === true);
    expect(first).toBeGreaterThanOrEqual(0);
    expect(sustained).toBe(first + POOLED_WINDOWS);
  });

  it("opens on a quiet path whose slow windows come with gaps, when the earlier one is at most one pool further back", () => {
    const slow = (i: number) => ({ gap: 3 + jitter(i), self: 60 + 10 * jitter(i) });
    // Traffic only in windows 30 and 30 + d after the baseline: two separate rejections, d windows apart.
    const apart = (d: number) => run(slow, 30, 31 + d, (w) => w < 30 || w === 30 || w === 30 + d);
    for (const d of [POOLED_WINDOWS, POOLED_WINDOWS + 2, 2 * POOLED_WINDOWS]) {
      const verdicts = apart(d);
      expect(verdicts[0]?.sustained).toBe(false);
      expect(verdicts[d]?.sustained).toBe(true);
    }
    // Further apart they are two blips, not one failure.
    expect(apart(2 * POOLED_WINDOWS + 1)[2 * POOLED_WINDOWS + 1]?.sustained).toBe(false);
  });

  it("stays silent on unchanged traffic", () => {
    const verdicts = run((i) => ({ gap: 3 + jitter(i), self: 4 + 2 * jitter(i + 7) }), 10, 60);
    expect(verdicts.filter((v) => v !== null)).toEqual([]);
  });

  it("ranking splits a call's evidence by the anomalous share of each end's calls", () => {
    const anomaly = (caller: string, callee: string) => ({
      quantity: { kind: "call" as const, caller, callee },
      signal: "latency" as const,
      p: 1e-12,
      tests: 10,
      n: 3,
      median: 900,
      exemplars: [],
    });
    const activity = new Map<string, Set<string>>();
    const call = (a: string, b: string) => {
      for (const s of [a, b]) activity.set(s, (activity.get(s) ?? new Set()).add(`call\u0000${a}\u0000${b}`));
    };
    for (const [a, b] of [["gw", "slow"], ["gw", "x"], ["gw", "y"], ["api", "slow"], ["slow", "db"]]) call(a, b);
    const ranked = rankRootCauses([anomaly("gw", "slow"), anomaly("api", "slow")], activity, 0.001);
    expect(ranked[0].service).toBe("slow");
    expect(ranked[0].evidence[0].what).toMatch(/-> slow$/);
    expect(ranked.reduce((a, c) => a + c.score, 0)).toBeCloseTo(1, 2);
  });

  it("judges a call too rare for a history of its own against all calls' gaps", () => {
    /** gateway -> audit, a path taken once a window that no baseline of its own covers yet. */
    const rare = (atMs: number, gap: number): SpanSpec[] => {
      const traceId = hex(900_000 + atMs, 32);
      const [root, client, server] = [1, 2, 3].map((k) => hex(atMs * 4 + k, 16));
      return [
        { service: "gateway", name: "GET /audit", startMs: atMs, endMs: atMs + gap + 4, traceId, spanId: root },
        { service: "gateway", name: "HTTP GET", startMs: atMs + 1, endMs: atMs + gap + 3, traceId, spanId: client, parent: root },
        { service: "audit", name: "/audit", startMs: atMs + 1 + gap / 2, endMs: atMs + 3 + gap / 2, traceId, spanId: server, parent: client },
      ];
    };
    const verdicts = (rareGap: number) => {
      const signals = new SpanSignals({ windowMs: 10_000, alpha: 0.001, maxTraces: 10_000 });
      const out = [];
      for (let w = 0; w < 36; w++) {
        const spans: SpanSpec[] = [];
        for (let r = 0; r < 10; r++) spans.push(...request(T0 + w * 10_000 + r * 900, 3 + jitter(w * 10 + r), 4 + 2 * jitter(w * 10 + r + 7)));
        if (w >= 30) spans.push(...rare(T0 + w * 10_000 + 9_500, rareGap * (1 + 0.1 * jitter(w))));
        for (const d of docs(spans)) signals.add(d, Math.floor(d.end_ms / 10_000));
        const result = signals.close(Math.floor((T0 + w * 10_000) / 10_000));
        if (w >= 30) out.push(...result.anomalies);
      }
      return out;
    };
    const slow = verdicts(1500).filter((a) => a.quantity.kind === "call" && a.quantity.callee === "audit");
    expect(slow.length).toBeGreaterThan(0);
    expect(slow[0].prior).toBe(true);
    expect(slow[0].baselineP99).toBeLessThan(20);
    // At the level of the system's other gaps it is nothing new.
    expect(verdicts(4)).toEqual([]);
  });

  it("keeps its trace index bounded", () => {
    const signals = new SpanSignals({ windowMs: 10_000, alpha: 0.001, maxTraces: 50 });
    for (let i = 0; i < 200; i++) for (const d of docs(request(T0 + i * 10, 3, 4))) signals.add(d, Math.floor(d.end_ms / 10_000));
    expect((signals as unknown as { traces: Map<string, unknown> }).traces.size).toBeLessThanOrEqual(50);
  });
});

describe("pipeline with traces", () => {
  it("opens one incident ranked by span evidence, rootCauseService first among its candidates", () => {
    const pipeline = new BridgePipeline({ tenantId: "t1", miner: createTemplateMiner() });
    const events = [];
    let spansOut = 0;
    for (let w = 0; w < 40; w++) {
      const batch: SpanSpec[] = [];
      for (let r = 0; r < 10; r++) {
        const i = w * 10 + r;
        const slow = w >= 30;
        batch.push(...request(T0 + w * 10_000 + r * 900, slow ? 900 + 50 * jitter(i) : 3 + jitter(i), 4 + 2 * jitter(i + 7)));
      }
      const result = pipeline.processTraces(JSON.stringify(toRequest(batch)), "json", `test:${w}`);
      spansOut += result.spans?.length ?? 0;
      events.push(...result.incidentEvents);
    }
    events.push(...pipeline.flush().incidentEvents);
    expect(spansOut).toBe(40 * 10 * 5);
    const opened = events.filter((e) => e.type === "opened");
    expect(opened).toHaveLength(1);
    const incident = opened[0].incident;
    expect(incident.rootCauseService).toBe("orders");
    expect(incident.rootCauseCandidates?.[0].service).toBe("orders");
    expect(incident.rootCauseCandidates?.[0].evidence.length).toBeGreaterThan(0);
    expect(incident.family).toBe("latency");
    expect(Date.parse(incident.detectedAt)).toBeGreaterThanOrEqual(T0 + 300_000);
    for (const e of events) expect(e.incident.rootCauseCandidates?.[0].service).toBe(e.incident.rootCauseService);
  });

  it("does not let one span dated 2100 move event time: the slow-down still opens its incident", () => {
    const pipeline = new BridgePipeline({ tenantId: "t1", miner: createTemplateMiner() });
    const opened = [];
    let adjusted = 0;
    for (let w = 0; w < 40; w++) {
      const batch: SpanSpec[] = [];
      for (let r = 0; r < 10; r++) {
        const i = w * 10 + r;
        batch.push(...request(T0 + w * 10_000 + r * 900, w >= 30 ? 900 + 50 * jitter(i) : 3 + jitter(i), 4 + 2 * jitter(i + 7)));
      }
      if (w === 5) batch.push(...request(Date.parse("2100-01-01T00:00:00Z"), 3, 4, false));
      const result = pipeline.processTraces(JSON.stringify(toRequest(batch)), "json", `test:${w}`);
      adjusted += result.timeAdjustments.ahead;
      opened.push(...result.incidentEvents.filter((e) => e.type === "opened"));
    }
    opened.push(...pipeline.flush().incidentEvents.filter((e) => e.type === "opened"));
    expect(adjusted).toBe(3);
    expect(opened).toHaveLength(1);
    expect(opened[0].incident.rootCauseService).toBe("orders");
    expect(Date.parse(opened[0].incident.detectedAt)).toBeLessThan(T0 + 400_000);
  });

  it("turns an unusable traces payload into a dead letter", () => {
    const pipeline = new BridgePipeline({ tenantId: "t1", miner: createTemplateMiner() });
    const result = pipeline.processTraces("{nope", "json", "test:1");
    expect(result.rejected).toBe(1);
    expect(result.rejections[0].reason).toMatch(/^invalid_json/);
    expect(result.rejections[0].source).toBe("test:1");
  });
});
