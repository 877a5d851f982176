/**
 * Time hygiene where a record enters: its event time is trusted only within a window around the time
 * it was received, so no client clock (a record dated 2100, a nanosecond value that decodes to year
 * 5138, a record stamped 1970) can move the pipeline's event clock, close windows early, or hand
 * retention an absurd date. Pure: the caller passes the received time.
 */

/** Why a record was not placed at its own timestamp. A closed set: it labels a metric. */
export type TimeAdjustment = "ahead" | "behind" | "unset" | "invalid";
export const TIME_ADJUSTMENTS: readonly TimeAdjustment[] = ["ahead", "behind", "unset", "invalid"];

export interface EventTimeBounds {
  /** How far after its received time a record's timestamp may be (client clock skew). */
  maxAheadMs: number;
  /** How far before its received time a record's timestamp may be (buffered, retried, late exports). */
  maxBehindMs: number;
}

export interface EventTimePlacement {
  /** Event time the pipeline uses, epoch milliseconds. */
  timeMs: number;
  /** Set when the record's own time was not used; the record then keeps it as an attribute. */
  adjustment: TimeAdjustment | null;
}

/** Largest time Date can represent (ECMA-262 21.4.1.1). */
const MAX_DATE_MS = 8.64e15;

/** Nanoseconds (decimal string) to epoch milliseconds; null for "unset", NaN for a value no date can hold. */
export function nanosToEpochMs(nanos: string): number | null {
  if (nanos === "0" || nanos === "") return null;
  const ms = nanos.length > 6 ? millisOf(nanos) : 0;
  return Number.isFinite(ms) && ms <= MAX_DATE_MS ? ms : Number.NaN;
}

/**
 * `Number(nanos.slice(0, -6))` without the substring (this runs twice per record): up to 15 leading
 * digits are exact in a double whichever way they are summed; anything longer or not all digits
 * takes `Number`, which rounds and rejects as it always did.
 */
function millisOf(nanos: string): number {
  const end = nanos.length - 6;
  if (end > 15) return Number(nanos.slice(0, end));
  let ms = 0;
  for (let i = 0; i < end; i++) {
    const d = nanos.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return Number(nanos.slice(0, end));
    ms = ms * 10 + d;
  }
  return ms;
}

/** A time from `nanosToEpochMs`, or null when it is unset or beyond any date. */
export function usableMs(ms: number | null): number | null {
  return ms === null || Number.isNaN(ms) ? null : ms;
}

/** Whether `ms` lies outside the bounds around `receivedMs`, and on which side; null when within. */
export function boundsViolation(ms: number, receivedMs: number, bounds: EventTimeBounds): TimeAdjustment | null {
  if (ms > receivedMs + bounds.maxAheadMs) return "ahead";
  if (ms < receivedMs - bounds.maxBehindMs) return "behind";
  return null;
}

/**
 * Where a record goes in event time: its own time when within the bounds around `receivedMs`; else its
 * observed time when that is within them; else the received time. A record with neither time is
 * placed at the received time too (`unset`).
 */
export function placeEventTime(timeNanos: string, observedNanos: string, receivedMs: number, bounds: EventTimeBounds): EventTimePlacement {
  return placeEventMs(nanosToEpochMs(timeNanos), nanosToEpochMs(observedNanos), receivedMs, bounds);
}

/** `placeEventTime` of times already converted by `nanosToEpochMs` (null unset, NaN beyond any date). */
export function placeEventMs(timeMs: number | null, observedMs: number | null, receivedMs: number, bounds: EventTimeBounds): EventTimePlacement {
  let adjustment: TimeAdjustment | null = null;
  if (timeMs !== null) {
    adjustment = Number.isNaN(timeMs) ? "invalid" : boundsViolation(timeMs, receivedMs, bounds);
    if (adjustment === null) return { timeMs: timeMs as number, adjustment: null };
  }
  if (observedMs !== null && !Number.isNaN(observedMs) && boundsViolation(observedMs, receivedMs, bounds) === null) {
    // No own time: the observed time is the record's time (OTLP data model), not an adjustment.
    return { timeMs: observedMs, adjustment };
  }
  if (adjustment === null) adjustment = observedMs === null ? "unset" : Number.isNaN(observedMs) ? "invalid" : boundsViolation(observedMs, receivedMs, bounds);
  return { timeMs: receivedMs, adjustment: adjustment ?? "unset" };
}
