import { describe, expect, it } from "vitest";
import type { Incident } from "../../../contracts/records";
import { BridgePipeline } from "../../../runtime/bridge";
import { createTemplateMiner } from "../../../runtime/bridge/template";
import { LatenessEstimator } from "../../../runtime/bridge/window/lateness";
import { toOtlpJsonLines } from "../../../runtime/scenarios/otlp";
import type { FailureKind } from "../../../runtime/scenarios/types";
import { demoScenario } from "../../../runtime/services/local/demo";

describe("LatenessEstimator", () => {
  it("keeps the configured lateness while records arrive in order", () => {
    const e = new LatenessEstimator(5000, 60_000);
    for (let i = 0; i < 10_000; i++) e.observe(i % 10 === 0 ? 800 : 0);
    expect(e.allowedMs()).toBe(5000);
  });

  it("trails by the lateness the input shows, within the cap, and one stray record does not move it", () => {
    const e = new LatenessEstimator(5000, 60_000);
    for (let i = 0; i < 1000; i++) e.observe(0);
    e.observe(6 * 86_400_000);
    expect(e.allowedMs()).toBe(5000);
    for (let i = 0; i < 1000; i++) e.observe(i % 2 === 0 ? 28_000 : 0);
    expect(e.allowedMs()).toBe(30_000);
    for (let i = 0; i < 1000; i++) e.observe(600_000);
    expect(e.allowedMs()).toBe(60_000);
  });

  it("returns to the configured lateness once a backfill is over and windows close in order", () => {
    const e = new LatenessEstimator(5000, 60_000);
    for (let i = 0; i < 5000; i++) e.observe(i % 2 === 0 ? 28_000 : 0);
    for (let w = 0; w < 60; w++) {
      e.decay(1);
      for (let i = 0; i < 100; i++) e.observe(0);
    }
    expect(e.allowedMs()).toBe(5000);
  });

  it("survives a checkpoint", () => {
    const e = new LatenessEstimator(5000, 60_000);
    for (let i = 0; i < 1000; i++) e.observe(i % 2 === 0 ? 14_000 : 0);
    expect(new LatenessEstimator(5000, 60_000, e.exportState()).allowedMs()).toBe(e.allowedMs());
  });
});

/**
 * The demo's delivery: 12 minutes sent in 20 steps, each service's SDK exporting its own records in
 * batches of up to 512, one service after the other. Every service's stream is in order, but a
 * service's batch arrives after another service's later one: up to a whole step (36 s) late.
 */
function replayBatchedPerService(kind: FailureKind, seed: number): { opened: Incident[]; truth: string } {
  const endMs = Date.UTC(2026, 11, 7, 9, 0, 0);
  const scenario = demoScenario(seed, kind, endMs);
  const pipeline = new BridgePipeline({ tenantId: "demo", miner: createTemplateMiner() });
  const opened: Incident[] = [];
  const step = Math.max(1, Math.floor(scenario.logs.length / 20));
  let wall = endMs;
  for (let s = 0; s < scenario.logs.length; s += step) {
    const byService = new Map<string, typeof scenario.logs>();
    for (const l of scenario.logs.slice(s, s + step)) byService.set(l.service, [...(byService.get(l.service) ?? []), l]);
    for (const logs of byService.values()) {
      for (let i = 0; i < logs.length; i += 512) {
        for (const line of toOtlpJsonLines(logs.slice(i, i + 512))) {
          wall += 2;
          for (const e of pipeline.processOtlp(line, "json", "demo", wall).incidentEvents) if (e.type === "opened") opened.push(e.incident);
        }
      }
    }
  }
  for (let t = wall; t < wall + 120_000; t += 1000) for (const e of pipeline.tick(t).incidentEvents) if (e.type === "opened") opened.push(e.incident);
  return { opened, truth: scenario.failures[0]!.rootCauseService };
}

describe("records arriving in per-service batches (the demo's delivery)", () => {
  // Developed on the database failure, seeds 1-3; the other kinds and seeds were not looked at while fixing.
  const cases: [FailureKind, number][] = [
    ["database", 1],
    ["database", 2],
    ["database", 3],
    ["timeout", 4],
    ["connection", 5],
    ["dependency", 6],
  ];
  for (const [kind, seed] of cases) {
    it(`opens exactly one incident, at the injected root cause (${kind}, seed ${seed})`, { timeout: 60_000 }, () => {
      const { opened, truth } = replayBatchedPerService(kind, seed);
      expect(opened.map((i) => `${i.rootCauseService}: ${i.title}`)).toHaveLength(1);
      expect(opened[0]!.rootCauseService).toBe(truth);
    });
  }
});
