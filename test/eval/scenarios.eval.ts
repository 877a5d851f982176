import { FAILURE_KINDS, generateScenario, replayScenario, scoreScenario, summarize, type FailureKind } from "../../runtime/scenarios";

/**
 * `npm run eval`: replays labelled scenarios, logs and spans (several seeds; each injects five failure
 * kinds in rotation, loud and silent, so every kind appears across the set) and prints detection
 * quality against the targets. Seeds used while developing a rule must not be the ones it is judged on.
 * Optional arguments: number of scenarios (default 8), first seed (default 1009), gateway requests
 * per second (default 25), so other seeds and volumes can be checked without editing anything.
 */
const count = Number(process.argv[2] ?? 8);
const firstSeed = Number(process.argv[3] ?? 1009);
const requestsPerSecond = Number(process.argv[4] ?? 25);
const seeds = Array.from({ length: count }, (_, i) => firstSeed + i * 7919);
const scores = seeds.map((seed, i) => {
  // Rotate through the kinds so each appears at least count*5/9 times, in seed-dependent order.
  const kinds: FailureKind[] = Array.from({ length: 5 }, (_, k) => FAILURE_KINDS[(i * 5 + k) % FAILURE_KINDS.length]);
  const scenario = generateScenario({ seed, failures: kinds, durationMs: 45 * 60_000, requestsPerSecond });
  const outcome = replayScenario(scenario);
  const score = scoreScenario(scenario, outcome);
  for (const r of score.failures) {
    const status = r.detected
      ? `detected in ${((r.latencyMs ?? 0) / 1000).toFixed(1)}s root=${r.rootCauseService}${r.rootCauseCorrect ? "" : " (WRONG)"} affected=[${r.affectedServices.join(",")}] truth=[${r.failure.affectedServices.join(",")}] incidents=${r.incidents}`
      : "MISSED";
    process.stderr.write(`seed ${seed} ${r.failure.id} on ${r.failure.rootCauseService}: ${status}\n`);
  }
  for (const fp of score.falsePositives) {
    process.stderr.write(`seed ${seed} FALSE POSITIVE ${fp.detectedAt} ${fp.family} root=${fp.rootCauseService}: ${fp.title}\n`);
  }
  process.stderr.write(`seed ${seed}: ${outcome.records} records\n`);
  return score;
});
const s = summarize(scores);
const line = (name: string, value: number | null, unit: string, target: string) =>
  process.stdout.write(`${JSON.stringify({ eval: name, value: value === null ? null : Math.round(value * 1000) / 1000, unit, target })}\n`);
line("scenarios.recall", s.recall, "ratio", ">=0.98");
line("scenarios.false_positives_per_hour", s.falsePositivesPerHour, "incidents/h", "0");
line("scenarios.root_cause_accuracy", s.rootCauseAccuracy, "ratio", ">=0.95");
line("scenarios.blast_radius_f1", s.blastRadiusF1, "ratio", ">=0.9");
line("scenarios.incidents_per_failure", s.incidentsPerFailure, "incidents", "<=1.1");
line("scenarios.median_detection_latency", s.medianLatencyMs === null ? null : s.medianLatencyMs / 1000, "s event time", "report");
process.stdout.write(`${JSON.stringify({ eval: "scenarios.recall_by_kind", value: s.recallByKind, failures: s.failures, scenarios: s.scenarios })}\n`);
