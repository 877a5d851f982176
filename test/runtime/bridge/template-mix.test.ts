import { describe, expect, it } from "vitest";
import {
  judgeMix,
  mixHistoryFrom,
  mixHistoryState,
  MAX_POOLED_WINDOWS,
  MIN_POOLED_RECORDS,
  mixSignal,
  newMixHistory,
  OPEN_STREAK,
  pooledMix,
  recordMix,
  testMix,
  type MixHistory,
  type MixVerdict,
} from "../../../runtime/bridge/detect/template-mix";
import { POOLED_WINDOWS } from "../../../runtime/bridge/spans/span-signals";
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

/** A window's counts as the test takes them (pooled). */
const countsOf = (counts: Record<string, number>) => new Map(Object.entries(counts));

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
  const verdict = testMix(pooledMix(h, index, countsOf(counts)), h, MIN_WINDOWS);
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
      const verdict = testMix(countsOf(window(rng, rng.int(5, 50), MIX, LINES)), h, MIN_WINDOWS);
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

  /** Steps windows of `mix` until one is significant (at most `limit`); returns that step. */
  function untilSignificant(h: MixHistory, rng: Random, mix: Record<string, number>, limit: number, extra: Record<string, number> = {}) {
    for (let i = 1; i <= limit; i++) {
      const r = step(h, { ...window(rng, 25, mix, LINES), ...extra });
      if (r.significant) return { ...r, windows: i };
    }
    return null;
  }

  it("flags a template that stops appearing, and names it", () => {
    const rng = new Random(42);
    const h = warm(rng, 30);
    // The cache path no longer runs: every request misses. A quiet service (about 90 lines a window)
    // is pooled over enough windows to hold MIN_POOLED_RECORDS, so the change shows within that span.
    const broken = { hit: 0, miss: 0.9, list: 0.1 };
    const found = untilSignificant(h, rng, broken, Math.ceil(MIN_POOLED_RECORDS / 90));
    expect(found).not.toBeNull();
    expect(found?.verdict.vanished[0]?.templateId).toBe("cache-hit");
    expect(found?.verdict.grown.map((c) => c.templateId)).toContain("db-query");
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
    const found = untilSignificant(h, rng, { hit: 0, miss: 0, list: 1 }, 4, { "fallback-served": 20 });
    expect(found).not.toBeNull();
    expect(found?.verdict.appeared[0].templateId).toBe("fallback-served");
  });

  it("pools a quiet service's windows until the test holds enough records, a busy one's over POOLED_WINDOWS", () => {
    const h = newMixHistory();
    const counts = (n: number) => ({ a: n / 2, b: n / 2 });
    // 50 records a window: the pool grows until it holds MIN_POOLED_RECORDS.
    let pooled: Map<string, number> | null = null;
    for (let i = 1; i <= 20; i++) pooled = pooledMix(h, 1000 + i, countsOf(counts(50)));
    expect((pooled?.get("a") ?? 0) + (pooled?.get("b") ?? 0)).toBe(50 * Math.ceil(MIN_POOLED_RECORDS / 50));
    // 1000 records a window: the usual three windows.
    const busy = newMixHistory();
    for (let i = 1; i <= 20; i++) pooled = pooledMix(busy, 2000 + i, countsOf(counts(1000)));
    expect((pooled?.get("a") ?? 0) + (pooled?.get("b") ?? 0)).toBe(1000 * POOLED_WINDOWS);
    // 5 records a window: never more than MAX_POOLED_WINDOWS.
    const quiet = newMixHistory();
    for (let i = 1; i <= 40; i++) pooled = pooledMix(quiet, 3000 + i, countsOf(counts(4)));
    expect((pooled?.get("a") ?? 0) + (pooled?.get("b") ?? 0)).toBe(4 * MAX_POOLED_WINDOWS);
  });

  it("tests next only on windows after a significant test, so two significant tests in a row are independent", () => {
    const h = newMixHistory();
    for (let i = 1; i <= 10; i++) pooledMix(h, i, countsOf({ a: 200, b: 200 }));
    h.since = 10;
    for (let i = 11; i < 10 + POOLED_WINDOWS; i++) expect(pooledMix(h, i, countsOf({ a: 200, b: 200 }))).toBeNull();
    expect(pooledMix(h, 10 + POOLED_WINDOWS, countsOf({ a: 200, b: 200 }))).toEqual(countsOf({ a: 200 * POOLED_WINDOWS, b: 200 * POOLED_WINDOWS }));
  });

  it("never expects a line the service wrote in one burst (callers retrying through a restart)", () => {
    const rng = new Random(50);
    const h = warm(rng, 30);
    // Two windows in which a dependency restarted: a retry line the service never writes otherwise.
    step(h, { ...window(rng, 25, MIX, LINES), retrying: 30 });
    step(h, { ...window(rng, 25, MIX, LINES), retrying: 25 });
    let longest = 0;
    for (let i = 0; i < 120; i++) {
      const { verdict } = step(h, window(rng, 25, MIX, LINES));
      expect(verdict.vanished.map((c) => c.templateId)).not.toContain("retrying");
      longest = Math.max(longest, h.streak);
    }
    expect(h.counts.get("retrying")).toBeGreaterThan(0);
    expect(longest).toBeLessThan(OPEN_STREAK);
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

  it("takes a drop in traffic as normal though lines written on a timer then make up more of it", () => {
    const rng = new Random(51);
    const h = newMixHistory();
    // Request lines at ~90 a window, plus periodic lines of several kinds (stats, health, config),
    // each rarer than one a window, about one and a half a window in all, whatever the traffic.
    const timed = () => {
      const lines: Record<string, number> = {};
      for (let k = 0; k < 8; k++) if (rng.chance(0.18)) lines[`periodic-${k}`] = 1;
      return lines;
    };
    for (let i = 0; i < 200; i++) step(h, { ...window(rng, 25, MIX, LINES), ...timed() });
    // An upstream failure stops most callers: a third of the requests for four minutes.
    let longest = 0;
    for (let i = 0; i < 24; i++) {
      step(h, { ...window(rng, 8, MIX, LINES), ...timed() });
      longest = Math.max(longest, h.streak);
    }
    expect(longest).toBeLessThan(OPEN_STREAK);
  });

  it("takes a drop in traffic with the same mix as normal", () => {
    const rng = new Random(44);
    const h = warm(rng, 30, 40);
    const { significant } = step(h, window(rng, 6, MIX, LINES));
    expect(significant).toBe(false);
  });

  it("does not test before the warm-up or on a near-empty window", () => {
    const rng = new Random(45);
    const h = newMixHistory();
    while (h.windows < MIN_WINDOWS - 1) step(h, window(rng, 20, MIX, LINES));
    expect(testMix(countsOf({ anything: 50 }), h, MIN_WINDOWS).tested).toBe(false);
    while (h.windows < MIN_WINDOWS) step(h, window(rng, 20, MIX, LINES));
    expect(testMix(countsOf({ recv: 2, sent: 2 }), h, MIN_WINDOWS).tested).toBe(false);
    expect(testMix(countsOf(window(rng, 20, MIX, LINES)), h, MIN_WINDOWS).tested).toBe(true);
  });

  it("keeps a significant window out of the baseline and counts the streak of significant tests", () => {
    const rng = new Random(46);
    const h = warm(rng, 30);
    const shifted = { hit: 0, miss: 0.2, list: 0.8 };
    // The first test to see it (the windows queued before it are dropped), then the next one on later windows only.
    for (let i = 0; i < 12 && h.streak < 1; i++) step(h, window(rng, 25, shifted, LINES));
    const before = JSON.stringify([...h.counts]);
    for (let i = 0; i < 12 && h.streak < OPEN_STREAK; i++) step(h, window(rng, 25, shifted, LINES));
    expect(h.streak).toBe(OPEN_STREAK);
    expect(JSON.stringify([...h.counts])).toBe(before);
    // Back to normal: once a test sees normal windows only, the streak ends and, after the
    // quarantine, windows are learned again.
    for (let i = 0; i < 2 * POOLED_WINDOWS; i++) step(h, window(rng, 25, MIX, LINES));
    expect(h.streak).toBe(0);
    for (let i = 0; i < MAX_POOLED_WINDOWS; i++) step(h, window(rng, 25, MIX, LINES));
    expect(JSON.stringify([...h.counts])).not.toBe(before);
  });

  it("remembers where a shift began: the first window its first significant test pooled, kept through the streak", () => {
    const rng = new Random(47);
    const h = warm(rng, 30);
    const shifted = { hit: 0, miss: 0.2, list: 0.8 };
    const start = index + 1;
    while (h.streak < 1) step(h, window(rng, 25, shifted, LINES));
    const onset = h.onset as number;
    // The first significant test pooled the shift's first window, and possibly normal ones before it.
    expect(onset).toBeLessThanOrEqual(start);
    expect(onset).toBeGreaterThan(start - MAX_POOLED_WINDOWS);
    while (h.streak < OPEN_STREAK) step(h, window(rng, 25, shifted, LINES));
    expect(h.onset).toBe(onset);
    for (let i = 0; i < 2 * POOLED_WINDOWS; i++) step(h, window(rng, 25, MIX, LINES));
    expect(h.streak).toBe(0);
    expect(h.onset).toBeUndefined();
  });

  it("never learns the lines of a window in which the service was failing", () => {
    const rng = new Random(49);
    const h = warm(rng, 30);
    for (let i = 0; i < 6; i++) {
      index += 1;
      const counts = pooledMix(h, index, countsOf({ ...window(rng, 20, MIX, LINES), "call failed": 4 }));
      recordMix(h, index, testMix(counts, h, MIN_WINDOWS), false, undefined, new Map(), true);
    }
    for (let i = 0; i < 6; i++) step(h, window(rng, 20, MIX, LINES));
    expect(h.counts.get("call failed")).toBeUndefined();
  });

  it("forgets an old mix: a lasting change becomes the new normal", () => {
    const rng = new Random(47);
    const h = warm(rng, 30);
    const changed = { hit: 0.3, miss: 0.6, list: 0.1 };
    // Half-life 12 windows here (the pipeline's is an hour) so the test stays short.
    for (let i = 0; i < 200; i++) {
      index += 1;
      const counts = pooledMix(h, index, countsOf(window(rng, 20, changed, LINES)));
      recordMix(h, index, testMix(counts, h, MIN_WINDOWS), false, 12);
    }
    expect(testMix(countsOf(window(rng, 25, changed, LINES)), h, MIN_WINDOWS).p).toBeGreaterThan(0.001);
  });
});

describe("template mix checkpoints", () => {
  it("hold the history as JSON objects in its own key order, and restore it to the same history", () => {
    const h = warm(new Random(7), 30);
    const state = JSON.parse(JSON.stringify(mixHistoryState(h)));
    expect(Object.keys(state.counts)).toEqual([...h.counts.keys()]);
    expect(JSON.stringify(mixHistoryState(mixHistoryFrom(state)))).toBe(JSON.stringify(state));
    // A checkpoint of a version before `present`: restored without it, and learning adds it.
    const { present: _, ...older } = state;
    const restored = mixHistoryFrom(older);
    expect(restored.present).toBeUndefined();
    expect(JSON.stringify(mixHistoryState(restored))).toBe(JSON.stringify(older));
    for (let i = 0; i < 2 * MAX_POOLED_WINDOWS; i++) step(restored, { a: 1 });
    expect(mixHistoryState(restored).present?.a).toBeGreaterThan(0);
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

  it("lets one significant test only contribute; a second, independent one opens", () => {
    const v = verdict(1e-9);
    expect(mixSignal(v, 1e-9, 0.001, OPEN_STREAK - 1).weight).toBeLessThan(0.5);
    expect(mixSignal(v, 1e-9, 0.001, OPEN_STREAK).weight).toBeGreaterThanOrEqual(0.5);
    expect(mixSignal(v, 1e-9, 0.001, OPEN_STREAK)).toMatchObject({ name: "template_mix", df: 2, records: 20, tests: OPEN_STREAK });
  });
});
