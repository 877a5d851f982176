import { FAILURE_FAMILIES } from "../bridge/detect/families";

/** Failure kinds the generator injects; each maps to the family a detector should report. */
export const FAILURE_KINDS = [...FAILURE_FAMILIES, "new_error_template"] as const;
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
export interface FailureLabel {
  id: string;
  kind: FailureKind;
  rootCauseService: string;
  /** Other services that logged errors because of it (at least 3 error lines each). */
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
