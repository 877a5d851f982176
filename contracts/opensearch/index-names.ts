/** Index names and patterns of the tenant's cluster (ARCHITECTURE.md, OpenSearch). */
export const LOG_INDEX_PREFIX = "logclaw-logs-";
export const LOG_INDEX_PATTERN = `${LOG_INDEX_PREFIX}*`;
export const INCIDENTS_INDEX = "logclaw-incidents";
/** Tickets, finished outbox items and analyses of the ticketing agent, told apart by `kind`. */
export const TICKETS_INDEX = "logclaw-tickets";
/** What people did with incidents (acknowledge, assign, notes, snooze, verdicts), one document per incident. */
export const WORKFLOW_INDEX = "logclaw-incident-workflow";
export const LOG_INDEX_TEMPLATE = "logclaw-logs";
export const LOG_RETENTION_POLICY = "logclaw-logs-retention";
/** Spans, one daily index per UTC day of a span's (bounded) end time, like logs. */
export const SPAN_INDEX_PREFIX = "logclaw-spans-";
export const SPAN_INDEX_PATTERN = `${SPAN_INDEX_PREFIX}*`;
export const SPAN_INDEX_TEMPLATE = "logclaw-spans";
export const SPAN_RETENTION_POLICY = "logclaw-spans-retention";
/** Per-partition window state of the bridge (see runtime/services/bridge/checkpoints.ts). */
export const BRIDGE_STATE_INDEX = "logclaw-bridge-state";

function dailyIndexName(prefix: string, timestamp: string): string {
  const at = new Date(timestamp);
  if (Number.isNaN(at.getTime())) throw new Error(`not a timestamp: ${timestamp}`);
  return `${prefix}${at.toISOString().slice(0, 10).replace(/-/g, ".")}`;
}

/** `logclaw-logs-YYYY.MM.dd` for the UTC day of a log's `@timestamp`. */
export function logIndexName(timestamp: string): string {
  return dailyIndexName(LOG_INDEX_PREFIX, timestamp);
}

/** `logclaw-spans-YYYY.MM.dd` for the UTC day of a span's `@timestamp`. */
export function spanIndexName(timestamp: string): string {
  return dailyIndexName(SPAN_INDEX_PREFIX, timestamp);
}
