import { describe, expect, it } from "vitest";
import { FAILURE_KINDS, generateScenario, NOISE_KINDS, replayScenario, scoreScenario, summarize } from "../../../runtime/scenarios";

describe("generateScenario", () => {
  it("is deterministic per seed and differs across seeds", () => {
    const a = generateScenario({ seed: 7, durationMs: 12 * 60_000 });
    const b = generateScenario({ seed: 7, durationMs: 12 * 60_000 });
    const c = generateScenario({ seed: 8, durationMs: 12 * 60_000 });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(JSON.stringify(a.logs.slice(0, 50))).not.toBe(JSON.stringify(c.logs.slice(0, 50)));
  });

  it("produces traces, every noise kind, and labelled failures on distinct services after the warm-up", () => {
    const s = generateScenario({ seed: 11, failures: [...FAILURE_KINDS], durationMs: 60 * 60_000 });
    expect(s.logs.filter((l) => l.traceId !== null).length).toBeGreaterThan(s.logs.length / 2);
    expect(new Set(s.noise.map((n) => n.kind))).toEqual(new Set(NOISE_KINDS));
    for (const kind of NOISE_KINDS) {
      if (kind === "deploy") continue;
      expect(s.logs.some((l) => l.noise === kind)).toBe(true);
    }
    expect(s.failures.map((f) => f.kind)).toEqual([...FAILURE_KINDS]);
    for (const f of s.failures) {
      expect(f.startMs).toBeGreaterThanOrEqual(s.startMs + 6 * 60_000);
      expect(s.logs.some((l) => l.failureId === f.id && l.service === f.rootCauseService)).toBe(true);
    }
    const newTemplate = s.failures.find((f) => f.kind === "new_error_template");
    expect(newTemplate?.affectedServices).toEqual([]);
    expect(s.logs.every((l, i) => i === 0 || l.timeMs >= s.logs[i - 1].timeMs)).toBe(true);
  });
});

describe("detection quality on labelled scenarios (quick evaluation)", () => {
  it("meets the targets: recall, no false positives, root cause, one incident per failure", { timeout: 600_000 }, () => {
    const scores = [3, 5].map((seed, i) => {
      const kinds = FAILURE_KINDS.filter((_, k) => k % 2 === i);
      const scenario = generateScenario({ seed, failures: kinds, durationMs: (6 + kinds.length * 4) * 60_000, warmupMs: 5 * 60_000, requestsPerSecond: 15 });
      return scoreScenario(scenario, replayScenario(scenario));
    });
    const s = summarize(scores);
    expect(s.failures).toBe(FAILURE_KINDS.length);
    expect(s.recall).toBeGreaterThanOrEqual(0.98);
    expect(s.falsePositives).toBe(0);
    expect(s.rootCauseAccuracy).toBeGreaterThanOrEqual(0.9);
    expect(s.incidentsPerFailure).toBeLessThanOrEqual(1);
    expect(s.blastRadiusF1).toBeGreaterThanOrEqual(0.8);
  });
});
