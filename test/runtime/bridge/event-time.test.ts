import { describe, expect, it } from "vitest";
import { BridgePipeline, placeEventTime, repairEventClock } from "../../../runtime/bridge";
import { restoreTemplateMiner } from "../../../runtime/bridge/template";
import type { IncidentEvent } from "../../../contracts/records";
import { opened, otlp, pipeline, T0, traffic, type TestLog } from "./support";

const MIN = 60_000;
const DAY = 86_400_000;
const bounds = { maxAheadMs: 5 * MIN, maxBehindMs: 7 * DAY };
const ns = (ms: number) => `${ms}000000`;
const YEAR_2100_MS = Date.UTC(2100, 0, 1);
/** A nanosecond value in microseconds by mistake: decodes to year 5138. */
const YEAR_5138_NS = `${T0 * 1000}000000`;

describe("placeEventTime", () => {
  it("believes a record's own time within the bounds around its received time", () => {
    expect(placeEventTime(ns(T0 - 3 * DAY), "0", T0, bounds)).toEqual({ timeMs: T0 - 3 * DAY, adjustment: null });
    expect(placeEventTime(ns(T0 + 4 * MIN), "0", T0, bounds)).toEqual({ timeMs: T0 + 4 * MIN, adjustment: null });
  });

  it("places records dated 2100, 5138, 1970 or beyond any date at the received time, with the reason", () => {
    expect(placeEventTime(ns(YEAR_2100_MS), "0", T0, bounds)).toEqual({ timeMs: T0, adjustment: "ahead" });
    expect(placeEventTime(YEAR_5138_NS, "0", T0, bounds)).toEqual({ timeMs: T0, adjustment: "ahead" });
    expect(placeEventTime("1000000000", "0", T0, bounds)).toEqual({ timeMs: T0, adjustment: "behind" });
    expect(placeEventTime("99999999999999999999999", "0", T0, bounds)).toEqual({ timeMs: T0, adjustment: "invalid" });
  });

  it("uses the observed time when the record has none (or an absurd one), else the received time", () => {
    expect(placeEventTime("0", ns(T0 - 1000), T0, bounds)).toEqual({ timeMs: T0 - 1000, adjustment: null });
    expect(placeEventTime(ns(YEAR_2100_MS), ns(T0 - 1000), T0, bounds)).toEqual({ timeMs: T0 - 1000, adjustment: "ahead" });
    expect(placeEventTime("0", "0", T0, bounds)).toEqual({ timeMs: T0, adjustment: "unset" });
    expect(placeEventTime("0", ns(YEAR_2100_MS), T0, bounds)).toEqual({ timeMs: T0, adjustment: "ahead" });
  });
});

/** Live feeding: one-second batches, each received 50 ms after its last record. */
function live(p: BridgePipeline, logs: readonly TestLog[]): IncidentEvent[] {
  const events: IncidentEvent[] = [];
  const bySecond = new Map<number, TestLog[]>();
  for (const l of [...logs].sort((a, b) => a.at - b.at)) {
    const s = Math.floor(l.at / 1000);
    bySecond.set(s, [...(bySecond.get(s) ?? []), l]);
  }
  for (const [second, batch] of bySecond) events.push(...p.processOtlp(otlp(batch), "json", "test", second * 1000 + 1050).incidentEvents);
  return events;
}

const BURST_AT = T0 + 3 * MIN;
const baseline = traffic("checkout", T0, BURST_AT, 20);
const refused: TestLog[] = Array.from({ length: 100 }, (_, i) => ({
  service: "checkout",
  at: BURST_AT + i * 50,
  severity: 17,
  body: `connect ECONNREFUSED 10.0.0.5:5432: connection refused (order ${i})`,
}));
const after = traffic("checkout", BURST_AT + 5000, BURST_AT + 60_000, 20);

describe("a record dated in the future cannot blind detection", () => {
  it("after a record dated 2100 (and one dated 5138), an error burst still opens an incident on time", () => {
    const clean = pipeline();
    const cleanOpened = opened(live(clean, [...baseline, ...refused, ...after]));
    expect(cleanOpened).toHaveLength(1);

    const attacked = pipeline();
    live(attacked, baseline);
    const attack = attacked.processOtlp(
      JSON.stringify({
        resourceLogs: [
          {
            resource: { attributes: [{ key: "service.name", value: { stringValue: "checkout" } }] },
            scopeLogs: [{ scope: { name: "x" }, logRecords: [{ timeUnixNano: ns(YEAR_2100_MS), body: { stringValue: "hello from 2100" } }, { timeUnixNano: YEAR_5138_NS, body: { stringValue: "hello from 5138" } }] }],
          },
        ],
      }),
      "json",
      "attacker",
      BURST_AT - 500,
    );
    expect(attack.accepted).toBe(2);
    expect(attack.timeAdjustments.ahead).toBe(2);
    expect(attack.documents.map((d) => d["@timestamp"])).toEqual([new Date(BURST_AT - 500).toISOString(), new Date(BURST_AT - 500).toISOString()]);
    expect(attack.documents[0].attributes["logclaw.original_time_unix_nano"]).toBe(ns(YEAR_2100_MS));
    const attackedOpened = opened(live(attacked, [...refused, ...after]));
    expect(attackedOpened).toHaveLength(1);
    expect(attackedOpened[0].detectedAt).toBe(cleanOpened[0].detectedAt);
    expect(Date.parse(attackedOpened[0].detectedAt) - BURST_AT).toBeLessThanOrEqual(10_000);
  });

  it("replay stays deterministic: without received times a record dated 2100 is placed at the previous record's time", () => {
    const input = [...baseline, { service: "checkout", at: YEAR_2100_MS, body: "hello from 2100" }, ...refused, ...after];
    const replay = () => {
      const p = pipeline();
      const events: IncidentEvent[] = [];
      // Replay order is input order: the 2100 record comes between the baseline and the burst.
      for (const l of input) events.push(...p.processOtlp(otlp([l]), "json", "file").incidentEvents);
      events.push(...p.flush().incidentEvents);
      return opened(events);
    };
    const first = replay();
    expect(first).toHaveLength(1);
    expect(Date.parse(first[0].detectedAt) - BURST_AT).toBeLessThanOrEqual(10_000);
    expect(replay()).toEqual(first);
  });

  it("a replay without received times keeps gaps in the data up to the look-back bound", () => {
    const p = pipeline();
    p.processOtlp(otlp([{ service: "a", at: T0, body: "x" }]), "json", "file");
    const later = p.processOtlp(otlp([{ service: "a", at: T0 + 2 * 3600_000, body: "y" }]), "json", "file");
    expect(later.documents[0]["@timestamp"]).toBe(new Date(T0 + 2 * 3600_000).toISOString());
  });

  it("repairs a checkpoint whose event clock an older version let run to 2100, and detects on time after it", () => {
    // What an older version persisted: a pipeline whose clock one record moved to 2100.
    const old = pipeline();
    live(old, baseline);
    old.processOtlp(otlp([{ service: "checkout", at: YEAR_2100_MS, body: "hello from 2100" }]), "json", "old-version");
    const state = old.exportState();
    state.maxEventMs = YEAR_2100_MS;
    state.closedThrough = Math.floor(YEAR_2100_MS / 10_000) - 1;

    const now = BURST_AT - 1000;
    const repair = repairEventClock(state, now, { windowMs: 10_000, maxEventAheadMs: 5 * MIN });
    expect(repair?.was).toBe(YEAR_2100_MS);
    expect(repair?.state.maxEventMs).toBe(now);
    expect(repairEventClock(repair!.state, now, { windowMs: 10_000, maxEventAheadMs: 5 * MIN })).toBeNull();
    const restored = BridgePipeline.restore({ tenantId: "acme", miner: restoreTemplateMiner(repair!.state.miner) }, repair!.state);
    const events = opened(live(restored, [...refused, ...after]));
    expect(events).toHaveLength(1);
    expect(Date.parse(events[0].detectedAt) - BURST_AT).toBeLessThanOrEqual(10_000);
    // Baselines were kept: the restored pipeline knows the service.
    expect(Object.keys(repair!.state.history)).toContain("checkout");
  });
});

describe("live windows close on the wall clock", () => {
  it("opens an incident for an error burst with no traffic after it, and resolves it after the quiet period", () => {
    const p = pipeline();
    live(p, baseline);
    const burst = Array.from({ length: 100 }, (_, i) => ({ service: "checkout", at: BURST_AT + i * 50, severity: 17, body: `request ${i} failed: upstream returned 503` }));
    expect(opened(live(p, burst))).toHaveLength(0);
    const lastReceived = BURST_AT + 5000 + 50;
    // The injected wall clock moves on; no record arrives.
    const ticks: IncidentEvent[] = [];
    for (let now = lastReceived; now <= lastReceived + 20_000; now += 1000) ticks.push(...p.tick(now).incidentEvents);
    const [incident] = opened(ticks);
    expect(incident).toBeDefined();
    expect(incident.rootCauseService).toBe("checkout");
    expect(Date.parse(incident.detectedAt) - BURST_AT).toBeLessThanOrEqual(10_000);

    const later: IncidentEvent[] = [];
    for (let now = lastReceived + 20_000; now <= lastReceived + 5 * MIN; now += 1000) later.push(...p.tick(now).incidentEvents);
    const resolved = later.filter((e) => e.type === "resolved");
    expect(resolved.map((e) => e.incident.id)).toEqual([incident.id]);
    expect(p.openIncidents()).toHaveLength(0);
  });

  it("does not close windows while a backfill is still arriving, however old its records", () => {
    // A 12-minute backfill sent within seconds (the demo): event time runs ahead of the wall clock's
    // progress, so ticks between batches must not compress the traffic into one window.
    const p = pipeline();
    const start = T0;
    const logs = traffic("checkout", start, start + 4 * MIN, 20);
    const wallStart = start + 12 * MIN;
    let wall = wallStart;
    const bySecond = new Map<number, TestLog[]>();
    for (const l of logs) bySecond.set(Math.floor(l.at / 1000), [...(bySecond.get(Math.floor(l.at / 1000)) ?? []), l]);
    for (const batch of bySecond.values()) {
      wall += 5;
      const r = p.processOtlp(otlp(batch), "json", "demo", wall);
      expect(r.documents.every((d) => Date.parse(d["@timestamp"]) === batch.find((b) => b.body === d.message)?.at)).toBe(true);
      p.tick(wall + 2);
    }
    // Only windows the traffic itself passed are closed; the last ones stay open for late records.
    expect(p.exportState().windows.length).toBeGreaterThan(0);
  });
});
