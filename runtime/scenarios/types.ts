import { FAILURE_FAMILIES } from "../bridge/detect/families";

/**
 * Silent failures: no failure word anywhere and nothing above INFO in the faulty service's own logs.
 * - latency: the service's own work gets slower; nothing fails;
 * - vanished_logs: a share of requests never reaches the end of the handler's work (a swallowed
 *   exception on an async path): the completion line vanishes, the answer is still 200;
 * - template_mix: the service takes another code path (a disabled cache): its usual lines shift;
 * - caller_only_errors: the service drops a share of connections before its handler runs: no span
 *   or log of its own, only its callers' client spans fail (the callers fall back silently);
 * - silent_errors: the service answers a share with 500 on its span and an INFO line with a result
 *   code; its callers' client spans fail and they fall back silently.
 */
export const SILENT_KINDS = ["latency", "vanished_logs", "template_mix", "caller_only_errors", "silent_errors"] as const;
export type SilentKind = (typeof SILENT_KINDS)[number];

/** Failure kinds the generator injects; each maps to the family a detector should report. */
export const FAILURE_KINDS = [...FAILURE_FAMILIES, "new_error_template", ...SILENT_KINDS] as const;
export type FailureKind = (typeof FAILURE_KINDS)[number];

/** Benign noise the detector must stay silent on. */
export const NOISE_KINDS = [
  "validation_errors",
  "scanner_404",
  "expired_tokens",
  "rate_limited_429",
  "chronic_service",
  "deploy",
  "benign_failure_words",
] as const;
export type NoiseKind = (typeof NOISE_KINDS)[number];

/** One generated log line, before it is packed into OTLP requests. */
export interface ScenarioLog {
  timeMs: number;
  service: string;
  severityNumber: number;
  severityText: string;
  body: string;
  attributes: Record<string, string | number | boolean>;
  traceId: string | null;
  spanId: string | null;
  /** Ground truth: the injected failure that caused this line, if any. */
  failureId: string | null;
  noise: NoiseKind | null;
}

/** Ground truth for one injected failure. */
/** One generated span (OTLP semantics: a server span per handled request, a client span per outgoing call). */
export interface ScenarioSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  service: string;
  name: string;
  kind: "server" | "client";
  startMs: number;
  endMs: number;
  error: boolean;
  /** The called service (client spans). */
  peer: string | null;
  /** Ground truth: the injected failure that made this span fail or slow, if any. */
  failureId: string | null;
}

export interface FailureLabel {
  id: string;
  kind: FailureKind;
  rootCauseService: string;
  /** Other services that logged errors or whose spans failed because of it (at least 3 each). */
  affectedServices: string[];
  startMs: number;
  endMs: number;
}

export interface NoiseLabel {
  kind: NoiseKind;
  service: string;
  startMs: number;
  endMs: number;
}

export interface Scenario {
  seed: number;
  startMs: number;
  endMs: number;
  logs: ScenarioLog[];
  /** Spans of every request, ordered by end time (when an SDK exports them). */
  spans: ScenarioSpan[];
  failures: FailureLabel[];
  noise: NoiseLabel[];
}

export interface ScenarioOptions {
  seed: number;
  /** Event time of the first log. Default 2026-01-05T08:00:00Z (a fixed date keeps output deterministic). */
  startMs?: number;
  /** Default 40 minutes. */
  durationMs?: number;
  /** Requests per second at the gateway (before the daily-shape wobble). Default 25. */
  requestsPerSecond?: number;
  /** Failures to inject, spread over the scenario after a warm-up; default: 5 kinds chosen by seed. */
  failures?: FailureKind[];
  /** Warm-up without failures. Default 6 minutes. */
  warmupMs?: number;
}
