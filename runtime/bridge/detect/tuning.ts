import { z } from "zod";
import { EVENT_TIME_BOUNDS } from "../../../contracts/event-time";

/**
 * Detection tuning. One default configuration is meant to work for every tenant; the fields exist so
 * operators can reason about (and tests can pin) each threshold. Times are event-time milliseconds.
 */
export const detectionTuningSchema = z
  .object({
    /** Tumbling window length. Default 10 s; 1 s - 5 min. */
    windowMs: z.number().int().min(1000).max(300_000).default(10_000),
    /** How long a window stays open for late records after the newest event time passes its end. Default 5 s. */
    allowedLatenessMs: z.number().int().min(0).max(300_000).default(5_000),
    /**
     * The most the watermark trails the newest event time when the input shows records arriving
     * later than `allowedLatenessMs` (its 99th percentile lateness; runtime/bridge/window/lateness.ts).
     * Default 60 s: later than that, out-of-order data is a backfill, and waiting longer would delay
     * live detection by more than a minute.
     */
    maxLatenessMs: z.number().int().min(0).max(600_000).default(60_000),
    /**
     * How far after its received time a record's own timestamp is believed (client clock skew).
     * Beyond it the record is placed at its received time. Default 5 min.
     */
    maxEventAheadMs: z.number().int().min(0).max(86_400_000).default(EVENT_TIME_BOUNDS.maxAheadMs),
    /**
     * How far before its received time a record's own timestamp is believed (buffered or retried
     * exports). Beyond it the record is placed at its received time. Default 7 days.
     */
    maxEventBehindMs: z.number().int().min(60_000).max(365 * 86_400_000).default(EVENT_TIME_BOUNDS.maxBehindMs),
    /** Windows of history in a service's baseline. Default 60 (10 min at 10 s). */
    baselineWindows: z.number().int().min(3).max(10_000).default(60),
    /** Windows before the observed baseline replaces the prior (and statistical verdicts start). Default 12 (2 min). */
    minBaselineWindows: z.number().int().min(1).max(1_000).default(12),
    /** Least errors in a window for a statistical detection. Default 5. */
    minErrors: z.number().int().min(1).default(5),
    /** Error-rate z-score that triggers the windowed path. Default 4. */
    zThreshold: z.number().positive().default(4),
    /** The error rate must also rise this much above baseline (absolute). Default 0.05. */
    minRateIncrease: z.number().min(0).max(1).default(0.05),
    /** A window's error count (or a template's) must be at most this probable under its baseline (Poisson). Default 1e-6. */
    maxTailProbability: z.number().positive().max(1).default(1e-6),
    /** Floor of the error-rate spread used in z-scores. Default 0.01. */
    stdFloor: z.number().positive().default(0.01),
    /** Template count z-score (Poisson) that marks a template spike. Default 5. */
    templateZThreshold: z.number().positive().default(5),
    /** Consecutive elevated windows that count as sustained elevation. Default 3. */
    sustainedWindows: z.number().int().min(2).default(3),
    /** Composite score needed to open a windowed incident. Default 0.5. */
    openScore: z.number().min(0).max(1).default(0.5),
    /** A template is new while younger than this. Default 60 s. */
    noveltyMs: z.number().int().min(0).default(60_000),
    /** Quiet time after which an incident resolves. Default 3 min. */
    quietMs: z.number().int().min(1000).default(180_000),
    /** A recurrence of a resolved incident's fingerprint within this time reopens it instead of opening a new one. Default 15 min. */
    cooldownMs: z.number().int().min(0).default(900_000),
    /**
     * Family-wise false-alarm probability of one window's span tests (Bonferroni over the window's
     * quantities). Default 0.001: with the two-window rule for opening, about one false incident per
     * 10^6 windows if the baselines hold.
     */
    spanAlpha: z.number().positive().max(0.1).default(0.001),
    /**
     * Family-wise false-alarm probability of one window's template-mix tests (Bonferroni over the
     * services tested). Default 0.001, like the span tests: with two windows in a row needed to open
     * on the mix alone, about one false incident per 10^6 windows if the baselines hold.
     */
    mixAlpha: z.number().positive().max(0.1).default(0.001),
    /** Traces remembered for correlation. Default 50,000. */
    maxTraces: z.number().int().min(100).default(50_000),
    /** Evidence kept per incident (timeline entries, sample ids, trace ids). Default 50 / 20 / 20. */
    maxTimeline: z.number().int().min(1).default(50),
    maxSamples: z.number().int().min(1).default(20),
    maxTraceIds: z.number().int().min(1).default(20),
  })
  .strict();

export type DetectionTuning = z.output<typeof detectionTuningSchema>;
export type DetectionTuningInput = z.input<typeof detectionTuningSchema>;
