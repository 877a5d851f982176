import { BridgePipeline, type DetectionTuningInput } from "../bridge";
import { createTemplateMiner } from "../bridge/template";
import type { Incident } from "../../contracts/records";
import { toScenarioJsonLines } from "./otlp";
import type { FailureLabel, Scenario } from "./types";

/**
 * Incidents of one replayed scenario: each time one opened, or reopened (a recurrence within the
 * cooldown reopens the resolved incident: the operator is paged again, so it is scored like an
 * opening, at the reopening's time), and each of those episodes in its final state (after updates).
 */
export interface ReplayOutcome {
  opened: Incident[];
  final: Incident[];
  records: number;
}

/**
 * Collects a replay's incident events into episodes: an `opened` event starts one, an `updated` event
 * that finds its incident resolved since the last event starts another (a reopening: its `detectedAt`
 * is when it reopened, its last evidence); later events update the incident's current episode.
 */
export class IncidentEpisodes {
  readonly opened: Incident[] = [];
  /** Whether each episode is a reopening (not the incident's first opening). */
  readonly reopening: boolean[] = [];
  private readonly latest: Incident[] = [];
  private readonly current = new Map<string, { k: number; resolved: boolean }>();

  take(events: readonly { type: string; incident: Incident }[]): void {
    for (const e of events) {
      const at = this.current.get(e.incident.id);
      if (e.type === "opened" || (at?.resolved && e.incident.status === "open")) {
        const episode = e.type === "opened" ? e.incident : { ...e.incident, detectedAt: e.incident.lastSeen };
        this.current.set(e.incident.id, { k: this.opened.length, resolved: false });
        this.opened.push(episode);
        this.reopening.push(e.type !== "opened");
        this.latest.push(episode);
        continue;
      }
      if (!at) continue;
      this.latest[at.k] = { ...e.incident, detectedAt: this.opened[at.k].detectedAt };
      at.resolved = e.type === "resolved";
    }
  }

  /** Each episode as it stands at its last event. */
  final(): Incident[] {
    return [...this.latest];
  }
}

/** Replays a scenario's OTLP/JSON log and trace lines through a fresh pipeline, exactly as `logclaw replay` does. */
export function replayScenario(scenario: Scenario, tuning?: DetectionTuningInput): ReplayOutcome {
  const pipeline = new BridgePipeline({ tenantId: "eval", miner: createTemplateMiner(), tuning });
  const episodes = new IncidentEpisodes();
  let records = 0;
  const take = (events: { type: string; incident: Incident }[]) => episodes.take(events);
  toScenarioJsonLines(scenario).forEach((line, i) => {
    const source = `scenario-${scenario.seed}:${i + 1}`;
    if (line.startsWith('{"resourceSpans"')) take(pipeline.processTraces(line, "json", source).incidentEvents);
    else {
      const r = pipeline.processOtlp(line, "json", source);
      records += r.accepted;
      take(r.incidentEvents);
    }
  });
  take(pipeline.flush().incidentEvents);
  return { opened: episodes.opened, final: episodes.final(), records };
}

/** How long after a failure ends an incident may still be credited to it (detection lag, tail errors). */
const GRACE_MS = 60_000;

export interface FailureResult {
  failure: FailureLabel;
  detected: boolean;
  incidents: number;
  rootCauseCorrect: boolean;
  blastRadiusF1: number;
  /** Event time from failure start to the first incident's detection. */
  latencyMs: number | null;
  rootCauseService: string | null;
  affectedServices: string[];
}

export interface ScenarioScore {
  seed: number;
  hours: number;
  failures: FailureResult[];
  falsePositives: Incident[];
}

function touches(incident: Incident, f: FailureLabel): boolean {
  const truth = new Set([f.rootCauseService, ...f.affectedServices]);
  return truth.has(incident.rootCauseService) || incident.affectedServices.some((s) => truth.has(s)) || truth.has(incident.service);
}

function f1(predicted: readonly string[], truth: readonly string[]): number {
  if (predicted.length === 0 && truth.length === 0) return 1;
  const t = new Set(truth);
  const hits = predicted.filter((s) => t.has(s)).length;
  if (hits === 0) return 0;
  const precision = hits / predicted.length;
  const recall = hits / truth.length;
  return (2 * precision * recall) / (precision + recall);
}

/**
 * Matches opened incidents to injected failures: an incident belongs to a failure when it opened
 * between the failure's start and its end plus a grace period and names one of its services (root
 * cause or affected). A failure that overlaps several candidates takes the incidents rooted in it first.
 * Incidents matching no failure are false positives.
 */
export function scoreScenario(scenario: Scenario, outcome: ReplayOutcome): ScenarioScore {
  const assigned = new Map<number, FailureLabel>();
  outcome.opened.forEach((incident, k) => {
    const at = Date.parse(incident.detectedAt);
    const candidates = scenario.failures.filter((f) => at >= f.startMs && at <= f.endMs + GRACE_MS && touches(incident, f));
    const best = candidates.find((f) => f.rootCauseService === incident.rootCauseService) ?? candidates[0];
    if (best) assigned.set(k, best);
  });
  const failures = scenario.failures.map((f): FailureResult => {
    const mine = outcome.opened.map((inc, k) => ({ inc, k })).filter(({ k }) => assigned.get(k) === f);
    if (mine.length === 0) {
      return { failure: f, detected: false, incidents: 0, rootCauseCorrect: false, blastRadiusF1: 0, latencyMs: null, rootCauseService: null, affectedServices: [] };
    }
    const first = mine[0];
    const final = outcome.final[first.k];
    return {
      failure: f,
      detected: true,
      incidents: mine.length,
      rootCauseCorrect: first.inc.rootCauseService === f.rootCauseService,
      blastRadiusF1: f1(final.affectedServices, f.affectedServices),
      latencyMs: Date.parse(first.inc.detectedAt) - f.startMs,
      rootCauseService: first.inc.rootCauseService,
      affectedServices: final.affectedServices,
    };
  });
  return {
    seed: scenario.seed,
    hours: (scenario.endMs - scenario.startMs) / 3_600_000,
    failures,
    falsePositives: outcome.opened.filter((_, k) => !assigned.has(k)),
  };
}

export interface EvaluationSummary {
  scenarios: number;
  failures: number;
  recall: number;
  falsePositivesPerHour: number;
  falsePositives: number;
  rootCauseAccuracy: number;
  blastRadiusF1: number;
  incidentsPerFailure: number;
  medianLatencyMs: number | null;
  maxLatencyMs: number | null;
  /** Recall per failure kind. */
  recallByKind: Record<string, number>;
}

export function summarize(scores: readonly ScenarioScore[]): EvaluationSummary {
  const results = scores.flatMap((s) => s.failures);
  const detected = results.filter((r) => r.detected);
  const hours = scores.reduce((a, s) => a + s.hours, 0);
  const falsePositives = scores.reduce((a, s) => a + s.falsePositives.length, 0);
  const latencies = detected.map((r) => r.latencyMs as number).sort((a, b) => a - b);
  const byKind: Record<string, [number, number]> = {};
  for (const r of results) {
    const k = (byKind[r.failure.kind] ??= [0, 0]);
    k[1] += 1;
    if (r.detected) k[0] += 1;
  }
  const mean = (xs: number[]) => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);
  return {
    scenarios: scores.length,
    failures: results.length,
    recall: results.length === 0 ? 1 : detected.length / results.length,
    falsePositivesPerHour: hours === 0 ? 0 : falsePositives / hours,
    falsePositives,
    rootCauseAccuracy: mean(detected.map((r) => (r.rootCauseCorrect ? 1 : 0))),
    blastRadiusF1: mean(detected.map((r) => r.blastRadiusF1)),
    incidentsPerFailure: mean(detected.map((r) => r.incidents)),
    medianLatencyMs: latencies.length === 0 ? null : latencies[Math.floor(latencies.length / 2)],
    maxLatencyMs: latencies.length === 0 ? null : latencies[latencies.length - 1],
    recallByKind: Object.fromEntries(Object.entries(byKind).map(([k, [d, n]]) => [k, d / n])),
  };
}
