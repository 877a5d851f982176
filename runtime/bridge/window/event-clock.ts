import { boundsViolation, usableMs, type EventTimeBounds, type TimeAdjustment } from "../normalize";
import { LatenessEstimator } from "./lateness";

export interface EventClockOptions {
  windowMs: number;
  allowedLatenessMs: number;
  /** The most the watermark may trail the newest event time when records arrive out of order. */
  maxLatenessMs: number;
  maxEventAheadMs: number;
  maxEventBehindMs: number;
}

/** The clock's part of a pipeline checkpoint. */
export interface EventClockState {
  maxEventMs: number | null;
  closedThrough: number | null;
  lastReceivedMs: number | null;
  /** The lateness histogram (absent in checkpoints of older versions). */
  lateness?: number[];
}

/**
 * A pipeline's event time: the newest event time seen, the last window closed (the watermark trails
 * the newest event time by the allowed lateness) and the received time of the latest live request.
 * It has no clock of its own: wall time comes in only as the received times of requests and as
 * `tick(nowMs)`, both from the runner's injected clock, so a replay is deterministic.
 */
export class EventClock {
  private maxEventMs: number | null;
  private closedThrough: number | null;
  private lastReceivedMs: number | null;
  private readonly bounds: EventTimeBounds;
  /** Replay without received times: a forward jump up to the look-back bound is a gap in the data, not skew. */
  private readonly replayBounds: EventTimeBounds;
  private readonly lateness: LatenessEstimator;

  constructor(
    private readonly options: EventClockOptions,
    state?: EventClockState,
  ) {
    this.maxEventMs = state?.maxEventMs ?? null;
    this.closedThrough = state?.closedThrough ?? null;
    this.lastReceivedMs = state?.lastReceivedMs ?? null;
    this.lateness = new LatenessEstimator(options.allowedLatenessMs, Math.max(options.allowedLatenessMs, options.maxLatenessMs), state?.lateness);
    this.bounds = { maxAheadMs: options.maxEventAheadMs, maxBehindMs: options.maxEventBehindMs };
    this.replayBounds = { maxAheadMs: options.maxEventBehindMs, maxBehindMs: options.maxEventBehindMs };
  }

  /** Notes a request's received time (absent in a replay). */
  received(receivedMs: number | undefined): void {
    if (receivedMs !== undefined) this.lastReceivedMs = Math.max(this.lastReceivedMs ?? receivedMs, receivedMs);
  }

  /**
   * The time a record's own timestamp is judged against, and the bounds around it: the received time;
   * in a replay the record's observed time, else event time so far, else its own time.
   */
  referenceFor(receivedMs: number | undefined, record: { observedMs: number | null; timeMs: number | null }): { referenceMs: number; bounds: EventTimeBounds } {
    if (receivedMs !== undefined) return { referenceMs: receivedMs, bounds: this.bounds };
    const observed = usableMs(record.observedMs);
    const referenceMs = observed ?? this.maxEventMs ?? usableMs(record.timeMs) ?? 0;
    return { referenceMs, bounds: observed === null && this.maxEventMs !== null ? this.replayBounds : this.bounds };
  }

  /**
   * A span's end time is believed within the same bounds as a log record's (around its received time,
   * or in replay around event time so far), so one span dated 2100 cannot move the clock for good.
   */
  boundSpanTime(endMs: number, receivedMs: number | undefined, adjustments: Record<TimeAdjustment, number>): number {
    const reference = receivedMs ?? this.maxEventMs;
    if (reference === null) return endMs;
    const bounds = receivedMs === undefined ? this.replayBounds : this.bounds;
    const adjustment = Number.isFinite(endMs) ? boundsViolation(endMs, reference, bounds) : "invalid";
    if (adjustment === null) return endMs;
    adjustments[adjustment] += 1;
    return reference;
  }

  /** Moves event time on to `timeMs`; returns the last window the watermark has now passed, or null when none is due. */
  advance(timeMs: number): number | null {
    if (this.maxEventMs !== null && !(timeMs > this.maxEventMs)) {
      this.lateness.observe(this.maxEventMs - timeMs);
      return null;
    }
    this.lateness.observe(0);
    this.maxEventMs = timeMs;
    if (this.closedThrough === null) {
      this.closedThrough = this.indexOf(timeMs) - 1;
      return null;
    }
    const lastClosable = this.indexOf(timeMs - this.lateness.allowedMs()) - 1;
    return lastClosable > this.closedThrough ? lastClosable : null;
  }

  /**
   * Live mode: event time advances by the wall time elapsed since the latest request was received, so
   * windows close while no traffic arrives. Returns the last window now due, or null.
   */
  tick(nowMs: number): number | null {
    if (this.maxEventMs === null || this.lastReceivedMs === null || nowMs <= this.lastReceivedMs) return null;
    const eventNowMs = this.maxEventMs + (nowMs - this.lastReceivedMs);
    const lastClosable = this.indexOf(eventNowMs - this.lateness.allowedMs()) - 1;
    return this.closedThrough === null || lastClosable > this.closedThrough ? lastClosable : null;
  }

  /** Event time up to which every window is closed (-Infinity before the first). */
  closedEndMs(): number {
    return this.closedThrough === null ? Number.NEGATIVE_INFINITY : (this.closedThrough + 1) * this.options.windowMs;
  }

  /** Records that windows up to `through` (inclusive) are closed. */
  closed(through: number): void {
    if (this.closedThrough !== null) this.lateness.decay(through - this.closedThrough);
    this.closedThrough = Math.max(this.closedThrough ?? through, through);
  }

  /** The open window a record or span at `timeMs` joins: one later than the allowed lateness joins the oldest open window instead of being lost. */
  windowOf(timeMs: number): number {
    const index = this.indexOf(timeMs);
    return this.closedThrough !== null && index <= this.closedThrough ? this.closedThrough + 1 : index;
  }

  /** The window holding `timeMs`, open or closed. */
  indexOf(timeMs: number): number {
    return Math.floor(timeMs / this.options.windowMs);
  }

  /** Whether window `index` closed long enough ago that news about it no longer matters. */
  isPast(index: number): boolean {
    return this.closedThrough !== null && index <= this.closedThrough - 2;
  }

  exportState(): EventClockState {
    return { maxEventMs: this.maxEventMs, closedThrough: this.closedThrough, lastReceivedMs: this.lastReceivedMs, lateness: this.lateness.exportState() };
  }
}
