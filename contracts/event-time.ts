/**
 * How far a record's own timestamp is believed around the time it was received (the bridge's and
 * local mode's default detection tuning). Beyond it a record is placed at its received time. Log
 * retention depends on it too: a record lands in the index of its (believed) day, so an index keeps
 * receiving records until its day ended plus `maxBehindMs`.
 */
export interface EventTimeBounds {
  /** Client clock skew believed ahead of the received time. */
  maxAheadMs: number;
  /** Buffered or retried exports believed behind the received time. */
  maxBehindMs: number;
}

export const EVENT_TIME_BOUNDS: EventTimeBounds = { maxAheadMs: 5 * 60_000, maxBehindMs: 7 * 86_400_000 };
