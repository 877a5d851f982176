/**
 * How late records arrive: a decaying histogram of how far each record's event time lies behind the
 * newest event time seen when it arrives. Sources deliver in batches (an SDK per service, a collector
 * per node, a backfill after an outage), so a whole batch of one service can arrive after another
 * service's later batch. A window closed before those records arrive would have them crammed into
 * the next open window, a rate spike that never happened. The watermark therefore trails by the
 * lateness the input actually shows (its 99th percentile), never less than the configured allowed
 * lateness and never more than the cap; old evidence decays as windows close, so once a backfill is
 * over live detection returns to the configured lateness.
 */

/** Upper bounds of the histogram's buckets, in ms; one more bucket holds anything later. */
const BOUNDS_MS = [0, 500, 1000, 2000, 3000, 5000, 7500, 10_000, 15_000, 20_000, 30_000, 45_000, 60_000] as const;
const QUANTILE = 0.99;
/** Weight kept per closed window: evidence halves about every 7 windows (70 s at 10 s windows). */
const DECAY_PER_WINDOW = 0.9;
/** Fewer (weighted) observations than this say nothing about the input's order. */
const MIN_EVIDENCE = 50;

export class LatenessEstimator {
  private readonly counts: number[];

  constructor(
    private readonly floorMs: number,
    private readonly capMs: number,
    state?: readonly number[],
  ) {
    this.counts = state && state.length === BOUNDS_MS.length + 1 ? [...state] : new Array<number>(BOUNDS_MS.length + 1).fill(0);
  }

  /** One record arrived `lateMs` behind the newest event time (0: in order). */
  observe(lateMs: number): void {
    let i = 0;
    while (i < BOUNDS_MS.length && lateMs > BOUNDS_MS[i]!) i++;
    this.counts[i]! += 1;
  }

  /** `windows` windows closed: older evidence weighs less. */
  decay(windows: number): void {
    if (windows <= 0) return;
    const factor = DECAY_PER_WINDOW ** Math.min(windows, 1000);
    for (let i = 0; i < this.counts.length; i++) this.counts[i]! *= factor;
  }

  /** How far the watermark trails the newest event time now. */
  allowedMs(): number {
    const total = this.counts.reduce((a, b) => a + b, 0);
    if (total < MIN_EVIDENCE) return this.floorMs;
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i]!;
      if (seen >= QUANTILE * total) return Math.min(this.capMs, Math.max(this.floorMs, BOUNDS_MS[i] ?? this.capMs));
    }
    return this.capMs;
  }

  exportState(): number[] {
    return this.counts.map((c) => Math.round(c * 1000) / 1000);
  }
}
