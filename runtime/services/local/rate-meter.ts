/** Records per second over a sliding window of recent samples of a monotonically growing total. */
export class RateMeter {
  private readonly samples: { at: number; total: number }[] = [];

  constructor(
    private readonly now: () => Date,
    private readonly windowMs = 5000,
  ) {}

  rate(total: number): number {
    const at = this.now().getTime();
    this.samples.push({ at, total });
    while (this.samples.length > 2 && at - this.samples[0]!.at > this.windowMs) this.samples.shift();
    const first = this.samples[0]!;
    const elapsed = (at - first.at) / 1000;
    return elapsed > 0 ? (total - first.total) / elapsed : 0;
  }
}
