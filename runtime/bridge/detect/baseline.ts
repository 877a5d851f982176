import type * as SimpleStatistics from "simple-statistics" with { "resolution-mode": "import" };

// simple-statistics is an ES module package that also ships a CommonJS build; under module node16
// TypeScript sees only its ESM typings, so the CommonJS build is required with those types.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { gammaln, mean, standardDeviation } = require("simple-statistics") as typeof SimpleStatistics;

/**
 * A service's recent per-window error rates, excluding the window being judged. Values are winsorized
 * on the way in, so one failure cannot drag the baseline up fast, while a service whose normal error
 * level really is higher (a chronically flaky one) raises it over a few minutes.
 */
export interface RateHistory {
  rates: number[];
  /** Error count of the previous window with traffic (for velocity). */
  lastErrors: number;
  /** Consecutive windows above the sustained-elevation threshold. */
  streak: number;
}

/** Before a service has history, assume a low but non-zero error level. */
const PRIOR_MEAN = 0.01;
const PRIOR_STD = 0.02;

export interface BaselineStats {
  mean: number;
  std: number;
  /** Number of windows the estimate rests on. */
  windows: number;
}

export function newRateHistory(): RateHistory {
  return { rates: [], lastErrors: 0, streak: 0 };
}

export function baselineOf(history: RateHistory, minWindows: number): BaselineStats {
  const n = history.rates.length;
  if (n < minWindows) {
    // Blend the prior with what little was seen, so a service that starts broken is not "normal".
    const seen = n === 0 ? PRIOR_MEAN : mean(history.rates);
    return { mean: Math.max(PRIOR_MEAN, seen), std: PRIOR_STD, windows: n };
  }
  return { mean: mean(history.rates), std: standardDeviation(history.rates), windows: n };
}

/**
 * The spread used for z-scores: the larger of the observed spread, the binomial sampling error of a
 * window with `total` records, and a floor that keeps near-zero baselines from making any error "infinite".
 */
export function effectiveStd(stats: BaselineStats, total: number, floor: number): number {
  const p = Math.min(Math.max(stats.mean, 0.001), 0.999);
  return Math.max(stats.std, Math.sqrt((p * (1 - p)) / Math.max(total, 1)), floor);
}

export function recordRate(history: RateHistory, rate: number, stats: BaselineStats, sigma: number, maxWindows: number): void {
  const cap = stats.windows === 0 ? rate : stats.mean + 2 * sigma;
  history.rates.push(Math.min(rate, cap));
  if (history.rates.length > maxWindows) history.rates.shift();
}

/** Per (service, template) error counts per window, as an exponentially decaying mean (decayed lazily). */
export interface TemplateHistory {
  mean: number;
  /** Window index the mean was last brought up to date for. */
  window: number;
  /** Event time (ms) the template was first seen with an error. */
  firstSeenMs: number;
}

export const TEMPLATE_DECAY = 0.1;

/** The mean as of window `window`, counting missing windows as zero. */
export function templateMeanAt(h: TemplateHistory, window: number): number {
  const gap = window - h.window;
  return gap <= 0 ? h.mean : h.mean * Math.pow(1 - TEMPLATE_DECAY, gap);
}

export function recordTemplateCount(h: TemplateHistory, window: number, count: number): void {
  const decayed = templateMeanAt(h, window - 1);
  h.mean = decayed + TEMPLATE_DECAY * (count - decayed);
  h.window = window;
}

/**
 * P(X >= k) for X ~ Poisson(lambda): how surprising an error count is for the expected rate. Counts
 * are small integers, so the tail is summed directly in log space until the terms vanish.
 */
export function poissonUpperTail(k: number, lambda: number): number {
  if (k <= 0) return 1;
  if (lambda <= 0) return 0;
  let term = Math.exp(-lambda + k * Math.log(lambda) - gammaln(k + 1));
  let sum = 0;
  for (let i = k; i < k + 10_000; i++) {
    sum += term;
    term *= lambda / (i + 1);
    if (term <= sum * 1e-12) break;
  }
  return Math.min(1, sum);
}
