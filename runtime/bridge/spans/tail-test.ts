import { LogCollapsingLowestDenseDDSketch } from "@datadog/sketches-js";

/**
 * Is a window's sample of a quantity (an operation's self time, the gap between a caller's span and
 * its callee's) slower than that quantity's own normal?
 *
 * Latency is compared on a log scale (`ln(1 + ms)`: relative changes count, sub-millisecond jitter at
 * span-clock resolution does not). Spans of one window are not independent: load comes in bursts, a
 * cache warms, a table grows. So the test is a random-effects one: the window's mean log latency is
 * judged against the spread of window means seen in the baseline, `tau^2` (between windows) plus
 * `sigma^2 / n` (within a window of n spans), with a Student t tail for the uncertainty of a short
 * history. A test of an unchanged quantity then rejects at its nominal rate however bursty the load.
 * Error ratios are judged by a binomial tail against the baseline ratio (Jeffreys prior).
 *
 * The baseline forgets with a half-life (HALF_LIFE_WINDOWS) so slow drift becomes normal, and keeps a
 * quantile sketch of the raw values (bounded bins) for the evidence and the band chart.
 */

/** Windows of history that weigh half: one hour at 10 s windows. */
export const HALF_LIFE_WINDOWS = 360;
/** Windows of history before a quantity is tested at all. */
export const MIN_BASELINE_WINDOWS = 5;
/**
 * Floor of the window-mean spread on the log scale (0.1: a 10 % change): a quantity that never varied
 * in its baseline would otherwise turn any jitter into an alarm.
 */
export const LOG_SPREAD_FLOOR = 0.1;

/** P(X >= k) for X ~ Binomial(n, p), summed in log space (n is a window's sample, at most thousands). */
export function binomialTail(n: number, k: number, p: number): number {
  if (k <= 0) return 1;
  if (k > n) return 0;
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  const lp = Math.log(p);
  const lq = Math.log1p(-p);
  let logC = 0;
  for (let i = 1; i <= k; i++) logC += Math.log((n - k + i) / i);
  let term = logC + k * lp + (n - k) * lq;
  let sum = Math.exp(term);
  for (let i = k + 1; i <= n; i++) {
    term += Math.log((n - i + 1) / i) + lp - lq;
    const t = Math.exp(term);
    sum += t;
    if (t < sum * 1e-12) break;
  }
  return Math.min(1, sum);
}

function logGamma(x: number): number {
  // Lanczos approximation (g = 7, n = 9).
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  x -= 1;
  let a = c[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction of the regularized incomplete beta function (modified Lentz). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-14) break;
  }
  return h;
}

/** Regularized incomplete beta I_x(a, b). */
function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x));
  return x < (a + 1) / (a + b + 2) ? (front * betaContinuedFraction(a, b, x)) / a : 1 - (front * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** P(T >= t) for Student's t with `df` degrees of freedom. */
export function studentTail(t: number, df: number): number {
  const x = df / (df + t * t);
  const half = 0.5 * incompleteBeta(x, df / 2, 0.5);
  return t >= 0 ? half : 1 - half;
}

/**
 * P(F >= f) for Snedecor's F with (d1, d2) degrees of freedom: a statistic scaled by a variance that
 * was itself estimated from d2 degrees of freedom (tends to the chi-square tail of d1 * f as d2 grows).
 */
export function fisherTail(f: number, d1: number, d2: number): number {
  if (!(f > 0)) return 1;
  return incompleteBeta(d2 / (d2 + d1 * f), d2 / 2, d1 / 2);
}

export interface LatencyResult {
  /** One-sided p-value of the window's mean log latency under the baseline. */
  p: number;
  /** How many baseline spreads above normal the window is. */
  t: number;
  n: number;
  /** Values above the baseline p99. */
  exceeding: number;
  /** Baseline p50 and p99 of the raw values (ms), from the sketch. */
  baselineP50: number;
  baselineP99: number;
}

/** Exponentially weighted mean and variance with a growing-then-fixed memory. */
class Moments {
  count = 0;
  mean = 0;
  variance = 0;

  add(x: number, halfLife: number): void {
    this.count += 1;
    const a = 1 / Math.min(this.count, halfLife / Math.LN2);
    const delta = x - this.mean;
    this.mean += a * delta;
    this.variance = (1 - a) * (this.variance + a * delta * delta);
  }
}

export function logLatency(ms: number): number {
  return Math.log1p(Math.max(0, ms));
}

/** The baseline of one quantity. */
export class Baseline {
  readonly sketch = new LogCollapsingLowestDenseDDSketch({ relativeAccuracy: 0.01, binLimit: 1024 });
  /** Log values (within-window spread comes from here). */
  private readonly values = new Moments();
  /** Window means of log values (between-window spread). */
  private readonly windows = new Moments();
  /** Mean of 1/n over the baseline windows, to take the within-window part out of the window spread. */
  private readonly inverseN = new Moments();
  private readonly errorRatio_ = new Moments();

  get windowCount(): number {
    return this.windows.count;
  }

  /** Learns one window's values and failures. */
  learn(values: readonly number[], errors: number): void {
    if (values.length === 0) return;
    let sum = 0;
    for (const v of values) {
      const l = logLatency(v);
      sum += l;
      this.values.add(l, HALF_LIFE_WINDOWS * values.length);
      this.sketch.accept(Math.max(0, v));
    }
    this.windows.add(sum / values.length, HALF_LIFE_WINDOWS);
    this.inverseN.add(1 / values.length, HALF_LIFE_WINDOWS);
    this.errorRatio_.add(errors / values.length, HALF_LIFE_WINDOWS);
  }

  quantile(q: number): number {
    return this.sketch.count === 0 ? Number.NaN : this.sketch.getValueAtQuantile(q);
  }

  /**
   * Random-effects test of a window's values (upper tail); p = 1 until the baseline has enough
   * windows. Also counts the values above the baseline's p99 (sketch), for the evidence. (Requiring a
   * binomial test of that count as well, against heavy tails, lost more real faults than it saved
   * false alarms on the development faults of the Nezha day; see the README's detection figures.)
   */
  latency(values: readonly number[]): LatencyResult {
    const n = values.length;
    const p99 = this.quantile(0.99);
    const result = { p: 1, t: 0, n, exceeding: 0, baselineP50: round(this.quantile(0.5)), baselineP99: round(p99) };
    if (n === 0 || this.windows.count < MIN_BASELINE_WINDOWS) return result;
    let sum = 0;
    let exceeding = 0;
    // The sketch's 1 % relative accuracy: only values clearly above its p99 count.
    const cut = p99 * 1.02;
    for (const v of values) {
      sum += logLatency(v);
      if (v > cut) exceeding++;
    }
    const within = this.values.variance;
    const between = Math.max(0, this.windows.variance - this.inverseN.mean * within);
    const spread = Math.max(Math.sqrt(between + within / n), LOG_SPREAD_FLOOR);
    const t = (sum / n - this.windows.mean) / spread;
    return { ...result, p: studentTail(t, this.windows.count - 1), t: round(t), exceeding };
  }

  /** Binomial tail of a window's failures against the baseline ratio (Jeffreys prior on the history). */
  errors(errors: number, n: number): { p: number; baselineRatio: number } {
    const w = Math.min(this.errorRatio_.count, HALF_LIFE_WINDOWS);
    const ratio = (this.errorRatio_.mean * w + 0.5) / (w + 1);
    return { p: binomialTail(n, errors, ratio), baselineRatio: round(ratio) };
  }
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
