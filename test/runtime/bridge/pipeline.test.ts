import { describe, expect, it } from "vitest";
import { BridgePipeline } from "../../../runtime/bridge";
import type { ContextSummary } from "../../../runtime/bridge/pipeline";
import { createTemplateMiner, restoreTemplateMiner } from "../../../runtime/bridge/template";
import { generateScenario, toScenarioJsonLines } from "../../../runtime/scenarios";
import { opened, otlp, pipeline, run, T0, traffic, type TestLog } from "./support";

const MIN = 60_000;

describe("event-time windows", () => {
  it("closes a window only when the logs' own time passes its end plus the allowed lateness", () => {
    const p = pipeline();
    const burst: TestLog[] = Array.from({ length: 30 }, (_, i) => ({ service: "api", at: T0 + i * 10, severity: 17, body: "failed" }));
    // Blatant failure from the first window: half the traffic failing, no baseline needed.
    expect(p.processOtlp(otlp(burst), "json", "t").incidentEvents).toEqual([]);
    // 14.9 s later in event time the window [T0, T0+10s) is still open (lateness 5 s).
    expect(p.processOtlp(otlp([{ service: "api", at: T0 + 14_900, body: "ok" }]), "json", "t").incidentEvents).toEqual([]);
    const events = p.processOtlp(otlp([{ service: "api", at: T0 + 15_001, body: "ok" }]), "json", "t").incidentEvents;
    expect(opened(events)).toHaveLength(1);
    expect(opened(events)[0].detectedAt).toBe(new Date(T0 + 10_000).toISOString());
  });

  it("places records out of order within the lateness in their own window, and later ones in the oldest open window", () => {
    const p = pipeline();
    const good = traffic("api", T0, T0 + 3 * MIN, 20);
    run(p, good, false);
    const late = p.processOtlp(otlp([{ service: "api", at: T0, severity: 17, body: "very late failed request" }]), "json", "t");
    expect(late.accepted).toBe(1);
    expect(late.rejections).toEqual([]);
  });

  it("uses flush to close the remaining windows at end of input", () => {
    const p = pipeline();
    const logs = [...traffic("api", T0, T0 + 2 * MIN, 20), ...traffic("api", T0 + 2 * MIN, T0 + 2 * MIN + 8000, 20, { errorEvery: 2, errorBody: (i) => `ledger write ${i} rejected` })];
    const withoutFlush = run(p, logs, false).events;
    expect(opened(withoutFlush)).toHaveLength(0);
    expect(opened(p.flush().incidentEvents)).toHaveLength(1);
  });
});

describe("immediate path", () => {
  it("opens on the first OOM record, in the same batch, stamped with its event time", () => {
    const p = pipeline();
    run(p, traffic("cart-api", T0, T0 + MIN, 10), false);
    const result = p.processOtlp(
      otlp([{ service: "cart-api", at: T0 + MIN + 123, severity: 21, body: "java.lang.OutOfMemoryError: Java heap space" }]),
      "json",
      "t",
    );
    const [incident] = opened(result.incidentEvents);
    expect(incident).toMatchObject({ path: "immediate", family: "oom", service: "cart-api", rootCauseService: "cart-api", status: "open" });
    expect(incident.detectedAt).toBe(new Date(T0 + MIN + 123).toISOString());
    expect(incident.firstSeen).toBe(incident.detectedAt);
    expect(incident.severity).toBe("high");
    expect(incident.sampleLogIds).toEqual([result.documents[0].id]);
  });

  it("merges repeated crash records into one incident", () => {
    const p = pipeline();
    const crashes: TestLog[] = Array.from({ length: 20 }, (_, i) => ({ service: "fraud-api", at: T0 + i * 3000, severity: 21, body: `panic: runtime error: nil pointer dereference in worker ${i}` }));
    const { events } = run(p, crashes);
    expect(opened(events)).toHaveLength(1);
  });
});

describe("windowed statistics", () => {
  const baseline = (service: string, minutes: number) => traffic(service, T0, T0 + minutes * MIN, 20, { errorEvery: 200, errorBody: (i) => `request ${i} failed: unexpected EOF` });

  it("opens on an error-rate z-score against a baseline that excludes the current window", () => {
    const p = pipeline();
    const spike = traffic("orders", T0 + 3 * MIN, T0 + 4 * MIN, 20, { errorEvery: 3, errorBody: (i) => `order ${i} failed: query failed on orders table` });
    const { events } = run(p, [...baseline("orders", 3), ...spike]);
    const [incident] = opened(events);
    expect(incident).toMatchObject({ path: "windowed", service: "orders", rootCauseService: "orders", family: "database" });
    const z = incident.signals.find((s) => s.name === "error_rate_zscore");
    expect(z).toBeDefined();
    expect(z?.z as number).toBeGreaterThan(4);
    expect(Date.parse(incident.detectedAt)).toBeGreaterThanOrEqual(T0 + 3 * MIN);
    expect(incident.score).toBeGreaterThanOrEqual(0.5);
    expect(incident.score).toBeLessThanOrEqual(1);
  });

  it("stays silent without a baseline unless the failure is blatant", () => {
    const p = pipeline();
    const { events } = run(p, traffic("orders", T0, T0 + 50_000, 20, { errorEvery: 5, errorBody: (i) => `order ${i} failed: query failed` }));
    expect(opened(events)).toEqual([]);
  });

  it("adapts to a chronically failing service's normal level and still catches a real jump", () => {
    const chronic = traffic("recs", T0, T0 + 6 * MIN, 20, { errorEvery: 12, errorBody: (i) => `timeout while refreshing cache ${i}` });
    expect(opened(run(pipeline(), chronic).events)).toEqual([]);
    const jump = traffic("recs", T0 + 6 * MIN, T0 + 7 * MIN, 20, { errorEvery: 2, errorBody: (i) => `timeout while refreshing cache ${i}` });
    const [incident] = opened(run(pipeline(), [...chronic, ...jump]).events);
    expect(incident).toMatchObject({ rootCauseService: "recs", family: "timeout" });
  });

  it("opens on a spike of a new error template with no failure keyword", () => {
    const p = pipeline();
    const fresh = traffic("ledger", T0 + 4 * MIN, T0 + 5 * MIN, 20, { errorEvery: 4, errorBody: (i) => `journal entry ${i} rejected: balance mismatch (delta=${i % 50}.5)` });
    const [incident] = opened(run(p, [...baseline("ledger", 4), ...fresh]).events);
    expect(incident.family).toBe("new_error_template");
    expect(incident.template).toContain("balance mismatch");
    const names = incident.signals.map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining(["template_spike", "template_novelty", "error_velocity"]));
  });

  it("opens on sustained moderate elevation that no single window proves", () => {
    const p = pipeline({ zThreshold: 100, templateZThreshold: 1000 });
    const normal = traffic("search", T0, T0 + 3 * MIN, 50, { errorEvery: 100, errorBody: (i) => `query ${i} timed out` });
    const elevated = traffic("search", T0 + 3 * MIN, T0 + 5 * MIN, 50, { errorEvery: 12, errorBody: (i) => `query ${i} timed out` });
    const [incident] = opened(run(p, [...normal, ...elevated]).events);
    expect(incident.signals.map((s) => s.name)).toContain("sustained_elevation");
  });

  it.each([
    ["4xx", (i: number) => ({ body: `GET /api/orders/${i} 404 Not Found`, attrs: { "http.response.status_code": 404 } })],
    ["scanner", (i: number) => ({ body: `GET /wp-admin/x${i}.php`, attrs: { "url.path": `/wp-admin/x${i}.php`, "user_agent.original": "zgrab/0.x" } })],
    ["expired tokens", (i: number) => ({ body: `JWT expired at 2026-01-0${(i % 5) + 1}T00:00:00Z`, attrs: {} })],
    ["validation", (i: number) => ({ body: `Validation failed for field 'qty${i % 3}': must be positive`, attrs: {} })],
  ])("never opens on a burst of %s, however large, even at ERROR", (_name, make) => {
    const p = pipeline();
    const burst: TestLog[] = Array.from({ length: 3000 }, (_, i) => ({ service: "gateway", at: T0 + 3 * MIN + i * 20, severity: 17, ...make(i) }));
    const { events } = run(p, [...baseline("gateway", 3), ...burst, ...traffic("gateway", T0 + 4 * MIN, T0 + 6 * MIN, 20)]);
    expect(opened(events)).toEqual([]);
  });
});

describe("correlation", () => {
  /** gateway -> checkout-api -> payment-api, payment-api's database deadlocks propagating up. */
  function chain(withPeers: boolean, withParents: boolean, failFrom: number, failTo: number): TestLog[] {
    const logs: TestLog[] = [];
    for (let i = 0, t = T0; t < failTo; i++, t += 50) {
      const traceId = (i + 1).toString(16).padStart(32, "0");
      const [g, c, pSpan] = [1, 2, 3].map((k) => (i * 4 + k).toString(16).padStart(16, "0"));
      const failing = t >= failFrom && i % 2 === 0;
      const parent = (id: string): Record<string, string> => (withParents ? { parent_span_id: id } : {});
      logs.push({ service: "payment-api", at: t + 5, severity: failing ? 17 : 9, body: failing ? `ERROR: deadlock detected (SQLSTATE 40P01) on row ${i}` : `payment ${i} ok`, traceId, spanId: pSpan, attrs: parent(c) });
      logs.push({
        service: "checkout-api",
        at: t + 8,
        severity: failing ? 17 : 9,
        body: failing ? "call to payment-api failed: 500 Internal Server Error" : `order ${i} placed`,
        traceId,
        spanId: c,
        attrs: { ...parent(g), ...(withPeers && failing ? { "peer.service": "payment-api" } : ({} as Record<string, string>)) },
      });
      logs.push({
        service: "gateway",
        at: t + 10,
        severity: failing ? 17 : 9,
        body: `POST /api/checkout ${failing ? 502 : 200}`,
        traceId,
        spanId: g,
        attrs: { "http.response.status_code": failing ? 502 : 200, ...(withPeers ? { upstream: "checkout-api" } : {}) },
      });
    }
    return logs;
  }

  it.each([
    ["peer attributes", true, false],
    ["parent spans", false, true],
    ["the order errors appear in traces", false, false],
  ])("walks error propagation to the root cause using %s", (_name, peers, parents) => {
    const { events } = run(pipeline(), chain(peers, parents, T0 + 3 * MIN, T0 + 4 * MIN));
    const incidents = opened(events);
    expect(incidents).toHaveLength(1);
    expect(incidents[0].rootCauseService).toBe("payment-api");
    expect(incidents[0].family).toBe("database");
    const final = [...events].reverse().find((e) => e.incident.id === incidents[0].id)?.incident;
    expect(final?.affectedServices).toEqual(["checkout-api", "gateway"]);
    if (peers) expect(final?.signals.map((s) => s.name)).toContain("blast_radius");
    expect(incidents[0].traceIds.length).toBeGreaterThan(0);
    expect(incidents[0].timeline.length).toBeGreaterThan(0);
  });

  it("names a silent peer (a crashed service) as root cause when every caller blames it", () => {
    const logs: TestLog[] = [...traffic("cart-api", T0, T0 + 3 * MIN, 10), ...traffic("checkout-api", T0, T0 + 3 * MIN, 20)];
    logs.push(
      ...traffic("checkout-api", T0 + 3 * MIN, T0 + 4 * MIN, 20, {
        errorEvery: 2,
        errorBody: () => "call to cart-api failed: dial tcp 10.0.0.7:8080: connect: connection refused",
        attrs: { "peer.service": "cart-api" },
      }),
    );
    const [incident] = opened(run(pipeline(), logs).events);
    expect(incident).toMatchObject({ rootCauseService: "cart-api", service: "checkout-api", family: "connection" });
    expect(incident.affectedServices).toEqual(["checkout-api"]);
  });

  it("uses other replicas' summaries: their failing services and call-graph edges", () => {
    const a = pipeline();
    const b = pipeline();
    const logs = chain(false, false, T0 + 3 * MIN, T0 + 4 * MIN);
    // Replica A consumes the partition with payment-api's logs.
    run(a, logs.filter((l) => l.service === "payment-api"));
    const summaries = a.takeContextSummaries();
    expect(a.takeContextSummaries()).toEqual([]);
    const failingWindow = summaries.find((s) => s.failing.length > 0);
    expect(failingWindow?.failing[0]).toMatchObject({ service: "payment-api", family: "database" });
    expect(failingWindow?.services).toEqual(["payment-api"]);
    // Replica B sees only checkout-api, without peer attributes; a third replica learned the edge.
    const edge = { tenantId: "acme", windowStartMs: T0, windowMs: 10_000, failing: [], edges: [["checkout-api", "payment-api", 5] as [string, string, number]], services: [] } satisfies ContextSummary;
    // A replica told only that payment-api fails (not that another replica consumes its logs) roots
    // checkout-api's errors there itself.
    const told = pipeline();
    for (const s of summaries) told.applyContextSummary({ ...s, services: [] });
    told.applyContextSummary(edge);
    const [incident] = opened(run(told, logs.filter((l) => l.service === "checkout-api")).events);
    expect(incident.service).toBe("checkout-api");
    expect(incident.rootCauseService).toBe("payment-api");
    const alone = opened(run(pipeline(), logs.filter((l) => l.service === "checkout-api")).events);
    expect(alone[0].rootCauseService).toBe("checkout-api");
    // Knowing replica A consumes payment-api's logs, B leaves that incident to A: one failure, one incident.
    for (const s of summaries) b.applyContextSummary(s);
    b.applyContextSummary(edge);
    const fromB = run(b, logs.filter((l) => l.service === "checkout-api"));
    expect(opened(fromB.events).filter((i) => i.rootCauseService === "payment-api")).toEqual([]);
    // A learns checkout-api's failure from B's summaries and names it in the blast radius.
    const owner = pipeline();
    for (const s of [edge, ...b.takeContextSummaries()]) owner.applyContextSummary(s);
    const [owned] = opened(run(owner, logs.filter((l) => l.service === "payment-api")).events);
    expect(owned).toMatchObject({ rootCauseService: "payment-api", affectedServices: ["checkout-api"] });
  });
});

describe("incident lifecycle", () => {
  const failure = (service: string, from: number, to: number) =>
    traffic(service, from, to, 20, { errorEvery: 2, errorBody: (i) => `ERROR: deadlock detected while updating row ${i}` });

  it("keeps one incident per failure, escalates as the blast radius grows, and resolves after quiet", () => {
    const logs = [
      ...traffic("inventory-api", T0, T0 + 10 * MIN, 20),
      ...traffic("checkout-api", T0, T0 + 10 * MIN, 20),
      ...traffic("gateway", T0, T0 + 10 * MIN, 20),
      ...failure("inventory-api", T0 + 3 * MIN, T0 + 5 * MIN),
      ...traffic("checkout-api", T0 + 3 * MIN + 30_000, T0 + 5 * MIN, 20, { errorEvery: 2, errorBody: () => "call to inventory-api failed: 500", attrs: { "peer.service": "inventory-api" } }),
      ...traffic("gateway", T0 + 3 * MIN + 60_000, T0 + 5 * MIN, 20, { errorEvery: 2, errorBody: () => "POST /api/checkout 502", attrs: { upstream: "checkout-api" } }),
    ];
    const { events } = run(pipeline(), logs);
    expect(events.filter((e) => e.type === "opened")).toHaveLength(1);
    const updates = events.filter((e) => e.type === "updated");
    expect(updates.length).toBeGreaterThanOrEqual(1);
    const last = updates[updates.length - 1].incident;
    expect(last.affectedServices).toEqual(["checkout-api", "gateway"]);
    expect(["high", "critical"]).toContain(last.severity);
    expect(last.occurrences).toBeGreaterThan(1);
    const resolved = events.find((e) => e.type === "resolved");
    expect(resolved?.incident.status).toBe("resolved");
    expect(Date.parse(resolved?.incident.resolvedAt as string)).toBeGreaterThanOrEqual(T0 + 5 * MIN + 180_000 - 10_000);
    expect(resolved?.incident.fingerprint).toBe(events[0].incident.fingerprint);
  });

  it("reopens a recurrence within the cooldown and opens a new incident after it", () => {
    const quiet = { quietMs: 60_000, cooldownMs: 5 * MIN };
    const base = traffic("inventory-api", T0, T0 + 30 * MIN, 20);
    const soon = run(pipeline(quiet), [...base, ...failure("inventory-api", T0 + 3 * MIN, T0 + 4 * MIN), ...failure("inventory-api", T0 + 7 * MIN, T0 + 8 * MIN)]).events;
    expect(soon.map((e) => e.type)).toEqual(["opened", "resolved", "updated", "resolved"]);
    expect(soon[2].incident.id).toBe(soon[0].incident.id);
    const late = run(pipeline(quiet), [...base, ...failure("inventory-api", T0 + 3 * MIN, T0 + 4 * MIN), ...failure("inventory-api", T0 + 20 * MIN, T0 + 21 * MIN)]).events;
    const opens = opened(late);
    expect(opens).toHaveLength(2);
    expect(opens[1].id).not.toBe(opens[0].id);
    expect(opens[1].fingerprint).toBe(opens[0].fingerprint);
  });

  it("is deterministic: the same input gives the same events", () => {
    const logs = [...traffic("inventory-api", T0, T0 + 6 * MIN, 20), ...failure("inventory-api", T0 + 3 * MIN, T0 + 4 * MIN)];
    expect(JSON.stringify(run(pipeline(), logs).events)).toBe(JSON.stringify(run(pipeline(), logs).events));
  });

  it("restores from exported state without re-opening the incident and keeps its baseline", () => {
    const before = [...traffic("inventory-api", T0, T0 + 3.5 * MIN, 20), ...failure("inventory-api", T0 + 3 * MIN, T0 + 3.5 * MIN)];
    const after = [...traffic("inventory-api", T0 + 3.5 * MIN, T0 + 5 * MIN, 20), ...failure("inventory-api", T0 + 3.5 * MIN, T0 + 4 * MIN)];
    const first = pipeline();
    const openedBefore = opened(run(first, before, false).events);
    expect(openedBefore).toHaveLength(1);
    const state = JSON.parse(JSON.stringify(first.exportState()));
    const second = BridgePipeline.restore({ tenantId: "acme", miner: restoreTemplateMiner(state.miner) }, state);
    const events = run(second, after).events;
    expect(opened(events)).toEqual([]);
    expect(second.openIncidents().map((i) => i.id)).toEqual([openedBefore[0].id]);
    expect(() => BridgePipeline.restore({ tenantId: "acme", miner: createTemplateMiner() }, { version: 99 })).toThrow();
  });

  it("continues from a checkpoint as it would have without one: open windows and template-mix baselines survive the JSON", () => {
    const lines = toScenarioJsonLines(generateScenario({ seed: 424242, durationMs: 12 * MIN, requestsPerSecond: 10 }));
    const cut = Math.floor(lines.length * 0.6);
    const replay = (p: BridgePipeline, from: number, to: number) => lines.slice(from, to).map((line) => JSON.stringify(p.processOtlp(line, "json", "t").incidentEvents));
    const whole = pipeline();
    const uninterrupted = replay(whole, 0, lines.length);
    const first = pipeline();
    const before = replay(first, 0, cut);
    const state = JSON.parse(JSON.stringify(first.exportState()));
    expect(Object.values(state.history).some((h) => (h as { mix?: { recent: unknown[] } }).mix?.recent.length)).toBe(true);
    expect(state.windows.length).toBeGreaterThan(0);
    const second = BridgePipeline.restore({ tenantId: "acme", miner: restoreTemplateMiner(state.miner) }, state);
    expect([...before, ...replay(second, cut, lines.length)]).toEqual(uninterrupted);
    expect(JSON.stringify(second.flush())).toBe(JSON.stringify(whole.flush()));
    expect(JSON.stringify(second.exportState())).toBe(JSON.stringify(whole.exportState()));
  });
});

describe("dead letters", () => {
  it("counts and explains an unusable payload and a bad record, and keeps the good ones", () => {
    const p = pipeline();
    const bad = p.processOtlp("{nope", "json", "raw-logs/0/17");
    expect(bad).toMatchObject({ accepted: 0, rejected: 1, documents: [] });
    expect(bad.rejections[0]).toMatchObject({ source: "raw-logs/0/17", payload: "{nope" });
    expect(bad.rejections[0].reason).toMatch(/^invalid_json/);
    const mixed = p.processOtlp(
      JSON.stringify({
        resourceLogs: [{ scopeLogs: [{ logRecords: [{ body: { stringValue: "fine" }, timeUnixNano: "1" }, { timeUnixNano: "99999999999999999999999" }, { spanId: "zz" }] }] }],
      }),
      "json",
      "raw-logs/0/18",
    );
    // A timestamp no date can hold is not a reason to lose the record: it is placed in time (event-time.test.ts).
    expect(mixed.accepted).toBe(2);
    expect(mixed.rejected).toBe(1);
    expect(mixed.rejections.map((d) => d.source)).toEqual(["raw-logs/0/18 resourceLogs[0].scopeLogs[0].logRecords[2]"]);
    expect(mixed.documents[0].template).toBe("fine");
  });

  it("decodes protobuf through the same pipeline", () => {
    const p = pipeline();
    const r = p.processOtlp(new Uint8Array([0x0a, 0x02, 0x0a, 0x00]), "protobuf", "grpc");
    expect(r.rejected).toBe(0);
    expect(r.accepted).toBe(0);
  });
});
