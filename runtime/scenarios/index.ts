/**
 * The labelled scenario generator: a seeded microservice shop with traces, normal traffic, benign noise
 * of every kind and injected failures with ground truth. The evaluation replays it; local mode's
 * `logclaw demo` reuses it to drive realistic traffic and a failure.
 */
export { generateScenario } from "./generate";
export { toOtlpJsonLines, toOtlpRequests, toOtlpTraceRequests, toScenarioJsonLines } from "./otlp";
export { Random } from "./random";
export { CHRONIC_SERVICE, ROUTES, SERVICES } from "./topology";
export { FAILURE_KINDS, NOISE_KINDS, SILENT_KINDS } from "./types";
export type { FailureKind, FailureLabel, NoiseKind, NoiseLabel, Scenario, ScenarioLog, ScenarioOptions, ScenarioSpan, SilentKind } from "./types";
export { IncidentEpisodes, replayScenario, scoreScenario, summarize } from "./evaluate";
export type { EvaluationSummary, FailureResult, ReplayOutcome, ScenarioScore } from "./evaluate";
