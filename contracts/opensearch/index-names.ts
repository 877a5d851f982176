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
/** Per-partition window state of the bridge (see runtime/services/bridge/checkpoints.ts). */
export const BRIDGE_STATE_INDEX = "logclaw-bridge-state";

/** `logclaw-logs-YYYY.MM.dd` for the UTC day of a log's `@timestamp`. */
export function logIndexName(timestamp: string): string {
  const at = new Date(timestamp);
  if (Number.isNaN(at.getTime())) throw new Error(`not a timestamp: ${timestamp}`);
  const day = at.toISOString().slice(0, 10).replace(/-/g, ".");
  return `${LOG_INDEX_PREFIX}${day}`;
}
