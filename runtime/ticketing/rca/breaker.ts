/**
 * A circuit breaker per LLM provider: after `threshold` consecutive failures it opens for
 * `cooldownMs` and the RCA goes straight to the rules (no request, no timeout to wait out); then
 * one trial call is let through (half-open) and its outcome closes or reopens the circuit.
 */
export class CircuitBreaker {
  private failures = 0;
  private openUntil = 0;
  private trialInFlight = false;

  constructor(
    private readonly threshold: number,
    private readonly cooldownMs: number,
  ) {}

  /** Whether a call may go out now; in half-open state only one caller gets `true`. */
  allow(nowMs: number): boolean {
    if (this.failures < this.threshold) return true;
    if (nowMs < this.openUntil || this.trialInFlight) return false;
    this.trialInFlight = true;
    return true;
  }

  succeed(): void {
    this.failures = 0;
    this.trialInFlight = false;
  }

  fail(nowMs: number): void {
    this.failures += 1;
    this.trialInFlight = false;
    if (this.failures >= this.threshold) this.openUntil = nowMs + this.cooldownMs;
  }

  isOpen(nowMs: number): boolean {
    return this.failures >= this.threshold && nowMs < this.openUntil;
  }
}
