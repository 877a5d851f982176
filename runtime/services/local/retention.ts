import type { Logger } from "pino";

/** What local mode keeps only for the retention period (the SQLite log, span and incident stores). */
export interface RetainedStore {
  /** Deletes what is older than `cutoff` (ISO-8601); returns how many rows went. */
  deleteOlderThan(cutoff: string): number;
}

const SWEEP_MS = 60 * 60 * 1000;
const DAY_MS = 86_400_000;

/**
 * Local mode's retention: logs and spans (counted from when they were received) and incidents older
 * than `retentionDays` are deleted at start and then hourly. In a cluster the ISM policies of
 * `contracts/opensearch/retention.ts` do this for the log and span indices. Returns the stop function.
 */
export function startRetentionSweep(options: {
  logs: RetainedStore;
  spans: RetainedStore;
  incidents: RetainedStore;
  retentionDays: number;
  now: () => Date;
  logger: Logger;
  /** Told how many logs went, so live counts stay true. */
  onLogsRemoved: (removed: number) => void;
}): () => void {
  const sweep = (): void => {
    const cutoff = new Date(options.now().getTime() - options.retentionDays * DAY_MS).toISOString();
    const removedLogs = options.logs.deleteOlderThan(cutoff);
    options.onLogsRemoved(removedLogs);
    const removedSpans = options.spans.deleteOlderThan(cutoff);
    const removedIncidents = options.incidents.deleteOlderThan(cutoff);
    if (removedLogs + removedSpans + removedIncidents > 0) options.logger.info({ removedLogs, removedSpans, removedIncidents, cutoff }, "retention sweep");
  };
  sweep();
  const timer = setInterval(sweep, SWEEP_MS);
  timer.unref();
  return () => clearInterval(timer);
}
