import { describe, expect, it } from "vitest";
import type { Incident } from "../../../contracts/records";
import { BridgePipeline, type ContextSummary } from "../../../runtime/bridge";
import { SpanHandover, type SpanOwnershipView } from "../../../runtime/bridge/detect";
import type { SpanDetection } from "../../../runtime/bridge/detect";
import { createTemplateMiner } from "../../../runtime/bridge/template";
import { generateScenario, replayScenario, scoreScenario, toOtlpJsonLines, toOtlpTraceRequests, type Scenario } from "../../../runtime/scenarios";

/** A timeout: the faulty service logs "timed out" errors, its spans slow down and fail, its callers log and fail too. */
const scenario: Scenario = generateScenario({ seed: 11, failures: ["timeout"], durationMs: 12 * 60_000, warmupMs: 5 * 60_000, requestsPerSecond: 8 });

/**
 * The scenario as the bridge gets it: logs on one pipeline (raw-logs), spans on another (raw-spans),
 * fed in event-time order, every window summary reaching the other pipeline at once (as
 * `shareLocally` does inside one bridge process).
 */
function runSplit(s: Scenario, options: { spanSummariesLate?: boolean } = {}): { opened: Incident[]; handedOver: number } {
  const logs = new BridgePipeline({ tenantId: "t", miner: createTemplateMiner() });
  const spans = new BridgePipeline({ tenantId: "t", miner: createTemplateMiner() });
  const opened: Incident[] = [];
  let handedOver = 0;
  const take = (events: { type: string; incident: Incident }[]) => {
    for (const e of events) if (e.type === "opened") opened.push(e.incident);
  };
  const late: ContextSummary[] = [];
  const exchange = (deliverLate = false) => {
    const fromLogs: ContextSummary[] = logs.takeContextSummaries();
    late.push(...spans.takeContextSummaries());
    const fromSpans = options.spanSummariesLate && !deliverLate ? [] : late.splice(0, late.length);
    for (const summary of fromLogs) expect(spans.applyContextSummary(summary)).toBe(0);
    for (const summary of fromSpans) {
      handedOver += summary.spanDetections?.length ?? 0;
      expect(logs.applyContextSummary(summary)).toBe(0);
    }
  };
  const logLines = toOtlpJsonLines(s.logs).map((line) => ({ line, at: firstTime(line), kind: "logs" as const }));
  const spanLines = toOtlpTraceRequests(s.spans).map((r) => JSON.stringify(r)).map((line) => ({ line, at: firstTime(line), kind: "spans" as const }));
  const all = [...logLines, ...spanLines].sort((a, b) => a.at - b.at);
  all.forEach(({ line, kind }, i) => {
    if (kind === "logs") take(logs.processOtlp(line, "json", `logs:${i}`).incidentEvents);
    else take(spans.processTraces(line, "json", `spans:${i}`).incidentEvents);
    exchange();
  });
  take(logs.flush().incidentEvents);
  take(spans.flush().incidentEvents);
  exchange(true);
  take(logs.flush().incidentEvents);
  return { opened, handedOver };
}

/** The first time stamp (ns) in an OTLP/JSON line, in ms: enough to interleave the two streams in event time. */
function firstTime(line: string): number {
  const m = /"(?:timeUnixNano|endTimeUnixNano)":"(\d+)"/.exec(line);
  return m ? Number(m[1].slice(0, -6)) : 0;
}

describe("one incident per failure when logs and spans run in different pipelines (the bridge's topics)", () => {
  it("hands the span pipeline's detection to the pipeline owning the root's logs: one incident, as one pipeline finds", () => {
    const reference = replayScenario(scenario);
    const referenceScore = scoreScenario(scenario, reference);
    expect(referenceScore.failures[0].detected).toBe(true);
    expect(referenceScore.failures[0].incidents).toBe(1);

    const split = runSplit(scenario);
    const failure = scenario.failures[0];
    const score = scoreScenario(scenario, { opened: split.opened, final: split.opened, records: 0 });
    expect(score.failures[0]).toMatchObject({ detected: true, incidents: 1, rootCauseService: failure.rootCauseService });
    expect(score.falsePositives).toEqual([]);
    expect(split.opened.filter((i) => i.rootCauseService === failure.rootCauseService)).toHaveLength(1);
    // The span pipeline found the failure too, and handed it over instead of opening an incident of its own.
    expect(split.handedOver).toBeGreaterThan(0);
  });

  it("takes handovers that arrive after its own last window closed (span pipelines deliver on their own schedule)", () => {
    const split = runSplit(scenario, { spanSummariesLate: true });
    const failure = scenario.failures[0];
    expect(split.handedOver).toBeGreaterThan(0);
    const rooted = split.opened.filter((i) => i.rootCauseService === failure.rootCauseService);
    expect(rooted).toHaveLength(1);
    expect(scoreScenario(scenario, { opened: split.opened, final: split.opened, records: 0 }).falsePositives).toEqual([]);
  });
});

describe("SpanHandover", () => {
  const detection = (root: string, sustained = true): SpanDetection => ({
    rootCauseService: root,
    affectedServices: ["gateway"],
    candidates: [{ service: root, score: 1, evidence: [{ signal: "span_latency", what: `${root} handle`, surprise: 3, detail: "slow" }] }],
    sustained,
    family: "latency",
    templateId: `span:op:${root}:handle`,
    template: "slow",
    score: 0.8,
    signals: [{ name: "span_self_time", weight: 0.3 }],
    traceIds: ["a".repeat(32)],
    detectedAtMs: 20_000,
    firstSeenMs: 10_000,
  });
  const view = (over: Partial<SpanOwnershipView>): SpanOwnershipView => ({
    owns: () => false,
    hasLogged: () => false,
    hasOpenIncident: () => false,
    joins: () => false,
    ...over,
  });

  it("keeps a detection whose root this pipeline logs, or that nobody logs; hands over one another pipeline logs", () => {
    const h = new SpanHandover();
    expect(h.route(detection("orders"), view({ owns: () => true, hasLogged: () => true }))?.rootCauseService).toBe("orders");
    expect(h.takeOutgoing()).toEqual([]);
    // Nobody known to log it (yet): kept here, and offered to the others as evidence only.
    expect(h.route(detection("orders"), view({}))?.rootCauseService).toBe("orders");
    expect(h.takeOutgoing()).toEqual([{ ...detection("orders"), evidenceOnly: true }]);
    expect(h.route(detection("orders"), view({ hasLogged: () => true }))).toBeNull();
    expect(h.takeOutgoing().map((d) => d.rootCauseService)).toEqual(["orders"]);
    // An incident this pipeline already holds for the root keeps taking its evidence here.
    expect(h.route(detection("orders", false), view({ hasLogged: () => true, hasOpenIncident: () => true, joins: () => true }))).not.toBeNull();
    // An unsustained blip opens nothing, though an old incident still lists the service as affected:
    // only evidence the incident lifecycle would merge passes.
    expect(h.route(detection("orders", false), view({ owns: () => true, hasLogged: () => true, hasOpenIncident: () => true }))).toBeNull();
  });

  it("takes a handed-over detection when it owns the root, else only as evidence for an incident it holds", () => {
    const h = new SpanHandover();
    expect(h.receive([detection("orders"), detection("stock")])).toBe(0);
    const taken = h.takeIncoming(view({ owns: (s) => s === "orders" }), Infinity);
    expect(taken.map((d) => [d.rootCauseService, d.family, d.candidates?.[0]?.service])).toEqual([["orders", "latency", "orders"]]);
    h.receive([detection("stock")]);
    expect(h.takeIncoming(view({ joins: () => true }), Infinity).map((d) => d.rootCauseService)).toEqual(["stock"]);
    // Not sustained and no incident for it: nothing to open anywhere.
    h.receive([detection("orders", false)]);
    expect(h.takeIncoming(view({ owns: () => true }), Infinity)).toEqual([]);
  });

  it("takes an evidence-only detection only for an incident it holds, never to open one", () => {
    const h = new SpanHandover();
    h.receive([{ ...detection("orders"), evidenceOnly: true }]);
    expect(h.takeIncoming(view({ owns: () => true, hasLogged: () => true }), Infinity)).toEqual([]);
    h.receive([{ ...detection("orders"), evidenceOnly: true }]);
    expect(h.takeIncoming(view({ joins: () => true }), Infinity).map((d) => d.rootCauseService)).toEqual(["orders"]);
  });

  it("keeps a detection from later than its own event time waiting until its windows get there", () => {
    const h = new SpanHandover();
    h.receive([detection("orders")]);
    const owner = view({ owns: () => true });
    expect(h.takeIncoming(owner, 19_999)).toEqual([]);
    expect(h.takeIncoming(owner, 20_000).map((d) => d.rootCauseService)).toEqual(["orders"]);
    expect(h.takeIncoming(owner, Infinity)).toEqual([]);
  });

  it("drops malformed handed-over detections (a summary is outside input) and counts them", () => {
    const h = new SpanHandover();
    expect(h.receive([{ rootCauseService: "orders" }, null, "x", { ...detection("orders"), score: "high" }, detection("orders")])).toBe(4);
    expect(h.takeIncoming(view({ owns: () => true }), Infinity)).toHaveLength(1);
  });
});
