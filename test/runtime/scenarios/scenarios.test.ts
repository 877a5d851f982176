import { describe, expect, it } from "vitest";
import type { Incident } from "../../../contracts/records";
import { FAILURE_KINDS, generateScenario, IncidentEpisodes, NOISE_KINDS, replayScenario, scoreScenario, SILENT_KINDS, summarize, toScenarioJsonLines } from "../../../runtime/scenarios";
import { matchFamily } from "../../../runtime/bridge";

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
      // A loud failure writes its own lines; a silent one shows in spans (or in lines that stop or shift).
      if (!(SILENT_KINDS as readonly string[]).includes(f.kind)) expect(s.logs.some((l) => l.failureId === f.id && l.service === f.rootCauseService)).toBe(true);
    }
    const newTemplate = s.failures.find((f) => f.kind === "new_error_template");
    expect(newTemplate?.affectedServices).toEqual([]);
    expect(s.logs.every((l, i) => i === 0 || l.timeMs >= s.logs[i - 1].timeMs)).toBe(true);
  });
});

describe("spans and silent faults", () => {
  const s = generateScenario({ seed: 13, failures: [...SILENT_KINDS], durationMs: 36 * 60_000 });

  it("gives every request a trace: a gateway root span, a server span per handled call and a client span per call", () => {
    const roots = s.spans.filter((x) => x.parentSpanId === null);
    const gatewayLines = s.logs.filter((l) => l.service === "gateway" && l.attributes.upstream !== undefined);
    expect(roots.length).toBe(gatewayLines.length);
    expect(new Set(roots.map((r) => r.traceId)).size).toBe(roots.length);
    const byId = new Map(s.spans.map((x) => [x.spanId, x]));
    for (const x of s.spans.slice(0, 5000)) {
      if (x.parentSpanId === null) continue;
      const parent = byId.get(x.parentSpanId);
      expect(parent?.traceId).toBe(x.traceId);
      // A server span's parent is its caller's client span naming it.
      if (x.kind === "server") expect(parent).toMatchObject({ kind: "client", peer: x.service });
      expect(x.endMs).toBeLessThanOrEqual(parent?.endMs as number);
    }
    expect(s.spans.every((x, i) => i === 0 || x.endMs >= s.spans[i - 1].endMs)).toBe(true);
  });

  it("writes no failure word and nothing above INFO in the faulty service's lines for the silent kinds", () => {
    expect(s.failures.map((f) => f.kind)).toEqual([...SILENT_KINDS]);
    for (const f of s.failures) {
      const own = s.logs.filter((l) => l.service === f.rootCauseService && l.timeMs >= f.startMs && l.timeMs < f.endMs && l.noise === null);
      expect(own.filter((l) => l.severityNumber > 9 && l.failureId !== null)).toEqual([]);
      expect(own.filter((l) => matchFamily(l.body) !== null && l.failureId !== null)).toEqual([]);
      // Nobody else logs an error for it either: the callers fall back silently.
      expect(s.logs.filter((l) => l.failureId === f.id && l.severityNumber >= 17)).toEqual([]);
    }
    // Errors show only in spans: the callers' client spans for the dropped calls.
    const dropped = s.failures.find((f) => f.kind === "caller_only_errors");
    expect(s.spans.some((x) => x.failureId === dropped?.id && x.service === dropped?.rootCauseService)).toBe(false);
    expect(dropped?.affectedServices.length).toBeGreaterThan(0);
  });

  it("streams logs and spans as one event-time ordered list of OTLP requests", () => {
    const lines = toScenarioJsonLines({ logs: s.logs.slice(0, 2000), spans: s.spans.slice(0, 2000) });
    expect(lines.some((l) => l.startsWith('{"resourceSpans"'))).toBe(true);
    expect(lines.some((l) => l.startsWith('{"resourceLogs"'))).toBe(true);
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
    // One known miss at this low volume (15 req/s): seed 3's vanished completion lines on auth-api
    // (under 2 req/s, about half the lines gone for 90 s) stay below the mix test's power. The
    // held-out evaluation (`npm run eval -- scenarios`, 25 req/s) is where the 0.98 target is judged.
    expect(s.recall).toBeGreaterThanOrEqual(13 / 14);
    expect(s.falsePositives).toBe(0);
    expect(s.rootCauseAccuracy).toBeGreaterThanOrEqual(0.9);
    expect(s.incidentsPerFailure).toBeLessThanOrEqual(1);
    expect(s.blastRadiusF1).toBeGreaterThanOrEqual(0.8);
  });
});

describe("IncidentEpisodes", () => {
  const incident = (status: "open" | "resolved", rootCauseService: string, lastSeen: string): Incident =>
    ({ id: "inc_1", status, rootCauseService, detectedAt: "2024-01-01T00:00:10.000Z", lastSeen, affectedServices: [] }) as unknown as Incident;

  it("scores a reopening as a new episode at its time, and each episode as it stood at its last event", () => {
    const e = new IncidentEpisodes();
    e.take([{ type: "opened", incident: incident("open", "db", "2024-01-01T00:00:10.000Z") }]);
    e.take([{ type: "updated", incident: incident("open", "api", "2024-01-01T00:00:20.000Z") }]);
    e.take([{ type: "resolved", incident: incident("resolved", "api", "2024-01-01T00:00:20.000Z") }]);
    // Updates while open belong to the current episode; only an update after a resolution reopens.
    e.take([{ type: "updated", incident: incident("open", "api", "2024-01-01T00:10:00.000Z") }]);
    e.take([{ type: "updated", incident: incident("open", "db", "2024-01-01T00:10:10.000Z") }]);
    expect(e.opened.map((i) => [i.detectedAt, i.rootCauseService])).toEqual([
      ["2024-01-01T00:00:10.000Z", "db"],
      ["2024-01-01T00:10:00.000Z", "api"],
    ]);
    expect(e.final().map((i) => [i.detectedAt, i.rootCauseService, i.status])).toEqual([
      ["2024-01-01T00:00:10.000Z", "api", "resolved"],
      ["2024-01-01T00:10:00.000Z", "db", "open"],
    ]);
  });
});
