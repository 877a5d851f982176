import type { DeadLetter } from "./records";

/**
 * Dead letters (the `dead-letter` topic, local mode's `dead-letter.jsonl`): one shape, one payload
 * cap, one reason format for every producer.
 */

/** Characters of the offending payload kept: enough to diagnose, small enough for one Kafka message. */
export const MAX_DEAD_LETTER_PAYLOAD = 4096;

/** What could not be processed, before it is stamped: `reason` is `<code>: <detail>`, code in snake_case. */
export interface Rejection {
  reason: string;
  /** Where the bad input was (topic/partition@offset, receiver, file:line). */
  source: string;
  payload: string;
}

/** The dead letter of a rejection, its payload capped, stamped with the producer's clock. */
export function deadLetter(rejection: Rejection, at: Date): DeadLetter {
  const { reason, source, payload } = rejection;
  return { reason, source, payload: payload.length > MAX_DEAD_LETTER_PAYLOAD ? payload.slice(0, MAX_DEAD_LETTER_PAYLOAD) : payload, at: at.toISOString() };
}

/**
 * The metric label of a reason: its code (`invalid_json: Unexpected token ...` -> `invalid_json`),
 * or `other` when the reason does not start with one, so the label's values stay a closed set.
 */
export function deadLetterReasonLabel(reason: string): string {
  const head = reason.split(":")[0]?.trim() ?? "";
  return /^[a-z0-9_]{1,48}$/.test(head) ? head : "other";
}
