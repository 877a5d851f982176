import { describe, expect, it } from "vitest";
import { judgeMix, mixSignal, newMixHistory, OPEN_STREAK, pooledMix, recordMix, testMix, type MixHistory, type MixVerdict } from "../../../runtime/bridge/detect/template-mix";
import { Random } from "../../../runtime/scenarios";

const MIN_WINDOWS = 12;

/**
 * One window of a service that handles `requests` requests, each writing a burst of lines: a request
 * picks a path by `mix` and writes that path's lines (so lines come in correlated groups, as in real logs).
 */
function window(rng: Random, requests: number, mix: Record<string, number>, linesPerRequest: Record<string, string[]>): Record<string, number> {
  const counts: Record<string, number> = {};
  const paths = Object.keys(mix);
  for (let r = 0; r < requests; r++) {
    let u = rng.next();
    const path = paths.find((p) => (u -= mix[p]) < 0) ?? paths[paths.length - 1];
    for (const t of linesPerRequest[path]) counts[t] = (counts[t] ?? 0) + 1;
  }
  return counts;
}

const MIX = { hit: 0.6, miss: 0.3, list: 0.1 };
const LINES = { hit: ["recv", "cache-hit", "sent"], miss: ["recv", "cache-miss", "db-query", "db-query", "sent"], list: ["recv", "list", "sent"] };

/** Learns `windows` windows of the normal mix, as the pipeline does (test, then learn unless significant). */
function warm(rng: Random, windows: number, requests = 20): MixHistory {
  const h = newMixHistory();
  for (let i = 0; i < windows; i++) step(h, window(rng, requests, MIX, LINES));
  return h;
}

/** Window index: windows of one history follow each other. */
let index = 0;

/** One window as the pipeline judges it: pooled with the previous ones, tested, then queued for learning. */
function step(h: MixHistory, counts: Record<string, number>, alpha = 0.001, halfLife?: number): { verdict: MixVerdict; significant: boolean } {
  index += 1;
  const verdict = testMix(pooledMix(h, index, counts), h, MIN_WINDOWS);
  const significant = judgeMix(new Map([["svc", verdict]]), alpha).has("svc");
  recordMix(h, index, verdict, significant, halfLife);
  return { verdict, significant };
}

describe("template mix test", () => {
  it("rejects an unchanged but bursty mix at about its nominal rate (dispersion-scaled G-test)", () => {
    const rng = new Random(41);
    const h = warm(rng, 60);
    h.recent = [];
    let below01 = 0;
    let below001 = 0;
    const trials = 3000;
    for (let i = 0; i < trials; i++) {
      // Traffic varies tenfold between windows; only proportions are judged.
      const verdict = testMix(window(rng, rng.int(5, 50), MIX, LINES), h, MIN_WINDOWS);
      expect(verdict.tested).toBe(true);
      if (verdict.p <= 0.01) below01++;
      if (verdict.p <= 0.001) below001++;
    }
    // Nominal 1 % and 0.1 %. One scale for every template is an approximation (here the lines every
    // request writes vary less than multinomial, the path lines more), which fattens the far tail a
    // little: allowed a factor of five, never an order of magnitude. Opening needs two windows in a row.
    expect(below01 / trials).toBeLessThan(0.02);
    expect(below001 / trials).toBeLessThan(0.005);
  });

  it("flags a template that stops appearing, and names it", () => {
    const rng = new Random(42);
    const h = warm(rng, 30);
    // The cache path no longer runs: every request misses.
    const broken = { hit: 0, miss: 0.9, list: 0.1 };
    expect(step(h, window(rng, 25, broken, LINES)).significant).toBe(true);
    const { verdict, significant } = step(h, window(rng, 25, broken, LINES));
    expect(significant).toBe(true);
    expect(verdict.vanished[0]).toMatchObject({ templateId: "cache-hit", count: 0 });
    expect(verdict.grown.map((c) => c.templateId)).toContain("db-query");
  });

  it("names templates the service never wrote before, but an added line next to an unchanged mix is no verdict", () => {
    const rng = new Random(43);
    const h = warm(rng, 30);
    // A new version logs a feature-flag line for some requests; everything else is as before.
    const counts = window(rng, 25, MIX, LINES);
    counts["feature-flag"] = 12;
    const { verdict, significant } = step(h, counts);
    expect(significant).toBe(false);
    expect(verdict.appeared[0]).toEqual({ templateId: "feature-flag", count: 12, expected: 0 });
    // A fallback that replaces the usual path is: the known lines shift.
    const fallback = window(rng, 25, { hit: 0, miss: 0, list: 1 }, LINES);
    fallback["fallback-served"] = 20;
    step(h, fallback);
    const second = step(h, { ...window(rng, 25, { hit: 0, miss: 0, list: 1 }, LINES), "fallback-served": 20 });
    expect(second.significant).toBe(true);
    expect(second.verdict.appeared[0].templateId).toBe("fallback-served");
  });

  it("learns a template a new version added at its own rate, not diluted by the history before it", () => {
    const rng = new Random(48);
    const h = warm(rng, 120);
    // From now on a tenth of requests also log a feature-flag line: flagged as new at most, never
    // as a shift once it is part of the baseline.
    const withFlag = () => ({ ...window(rng, 25, MIX, LINES), "feature-flag": rng.int(1, 5) });
    let longest = 0;
    let last: MixVerdict | null = null;
    for (let i = 0; i < 60; i++) {
      last = step(h, withFlag()).verdict;
      longest = Math.max(longest, h.streak);
    }
    // A lone window may reject at the test's own rate; none may reach an opening.
    expect(longest).toBeLessThan(OPEN_STREAK);
    expect(last?.appeared).toEqual([]);
  });

  it("takes a drop in traffic with the same mix as normal", () => {
    const rng = new Random(44);
    const h = warm(rng, 30, 40);
    const { significant } = step(h, window(rng, 6, MIX, LINES));
    expect(significant).toBe(false);
  });

  it("does not test before the warm-up or on a near-empty window", () => {
    const rng = new Random(45);
    const h = warm(rng, MIN_WINDOWS - 1 + 3);
    expect(testMix({ anything: 50 }, h, MIN_WINDOWS).tested).toBe(false);
    step(h, window(rng, 20, MIX, LINES));
    expect(testMix({ recv: 2, sent: 2 }, h, MIN_WINDOWS).tested).toBe(false);
    expect(testMix(window(rng, 20, MIX, LINES), h, MIN_WINDOWS).tested).toBe(true);
  });

  it("keeps a significant window out of the baseline and counts the streak", () => {
    const rng = new Random(46);
    const h = warm(rng, 30);
    const before = JSON.stringify(h.counts);
    const shifted = { hit: 0, miss: 0.2, list: 0.8 };
    expect(step(h, window(rng, 25, shifted, LINES)).significant).toBe(true);
    expect(step(h, window(rng, 25, shifted, LINES)).significant).toBe(true);
    expect(h.streak).toBe(2);
    expect(JSON.stringify(h.counts)).toBe(before);
    // Back to normal: once the pooled windows are normal again the streak ends and, after the
    // quarantine, windows are learned again.
    for (let i = 0; i < 3; i++) step(h, window(rng, 25, MIX, LINES));
    expect(h.streak).toBe(0);
    expect(JSON.stringify(h.counts)).toBe(before);
    for (let i = 0; i < 3; i++) step(h, window(rng, 25, MIX, LINES));
    expect(JSON.stringify(h.counts)).not.toBe(before);
  });

  it("never learns the lines of a window in which the service was failing", () => {
    const rng = new Random(49);
    const h = warm(rng, 30);
    for (let i = 0; i < 6; i++) {
      index += 1;
      const counts = pooledMix(h, index, { ...window(rng, 20, MIX, LINES), "call failed": 4 });
      recordMix(h, index, testMix(counts, h, MIN_WINDOWS), false, undefined, {}, true);
    }
    for (let i = 0; i < 6; i++) step(h, window(rng, 20, MIX, LINES));
    expect(h.counts["call failed"]).toBeUndefined();
  });

  it("forgets an old mix: a lasting change becomes the new normal", () => {
    const rng = new Random(47);
    const h = warm(rng, 30);
    const changed = { hit: 0.3, miss: 0.6, list: 0.1 };
    // Half-life 12 windows here (the pipeline's is an hour) so the test stays short.
    for (let i = 0; i < 200; i++) {
      index += 1;
      const counts = pooledMix(h, index, window(rng, 20, changed, LINES));
      recordMix(h, index, testMix(counts, h, MIN_WINDOWS), false, 12);
    }
    expect(testMix(window(rng, 25, changed, LINES), h, MIN_WINDOWS).p).toBeGreaterThan(0.001);
  });
});

describe("judgeMix", () => {
  const verdict = (p: number, tested = true): MixVerdict => ({ n: 20, g: 10, df: 2, dispersion: 1, p, tested, appeared: [], vanished: [], grown: [] });

  it("corrects for the services tested in the window (Bonferroni)", () => {
    expect([...judgeMix(new Map([["a", verdict(0.0004)]]), 0.001)]).toEqual([["a", 0.0004]]);
    const three = new Map([
      ["a", verdict(0.0004)],
      ["b", verdict(0.5)],
      ["c", verdict(0.9)],
      ["untested", verdict(1, false)],
    ]);
    expect(judgeMix(three, 0.001).size).toBe(0);
    three.set("a", verdict(0.0001));
    expect([...judgeMix(three, 0.001).keys()]).toEqual(["a"]);
  });

  it("lets a short shift only contribute; one that outlasts a pooled span opens", () => {
    const v = verdict(1e-9);
    expect(mixSignal(v, 1e-9, 0.001, OPEN_STREAK - 1).weight).toBeLessThan(0.5);
    expect(mixSignal(v, 1e-9, 0.001, OPEN_STREAK).weight).toBeGreaterThanOrEqual(0.5);
    expect(mixSignal(v, 1e-9, 0.001, OPEN_STREAK)).toMatchObject({ name: "template_mix", df: 2, records: 20, windows: OPEN_STREAK });
  });
});
