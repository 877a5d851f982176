import type { Dismissals } from "../../bridge/lifecycle";
import { feedbackOf } from "../../bridge/lifecycle";
import type { WorkflowChanges } from "../../ports/stores";

/**
 * Workflows saved at most this long before the newest one seen are read again: the API's replicas
 * stamp `updatedAt` with their own clocks, and a save can become searchable after a later one.
 * Applying a verdict twice changes nothing.
 */
const OVERLAP_MS = 60_000;

export interface VerdictFollowerOptions {
  tenantId: string;
  /** The replica's one set, shared by every partition pipeline. */
  dismissals: Dismissals;
  source: WorkflowChanges;
  /** One line when reading starts failing (the last known verdicts stay in force), one when it recovers. */
  warn: (details: Record<string, unknown>, line: string) => void;
  info: (details: Record<string, unknown>, line: string) => void;
}

/**
 * Keeps a bridge replica's {@link Dismissals} in step with the "not an incident" verdicts people make
 * through the ticketing agent's API (stored in `logclaw-incident-workflow`): every verdict at the
 * first read, then the workflows changed since the newest one seen. Reading never throws: detection
 * goes on with the verdicts it has.
 */
export class VerdictFollower {
  /** The newest `updatedAt` seen; null until a first read succeeded. */
  private newest: string | null = null;
  private failing = false;

  constructor(private readonly options: VerdictFollowerOptions) {}

  /** Reads what changed and applies it; resolves to false when the read failed. */
  async refresh(): Promise<boolean> {
    const { tenantId, dismissals, source } = this.options;
    const since = this.newest === null ? null : new Date(Date.parse(this.newest) - OVERLAP_MS).toISOString();
    let changed;
    try {
      changed = await source.changedSince(tenantId, since);
    } catch (err) {
      if (!this.failing) {
        this.failing = true;
        this.options.warn({ err: (err as Error).message }, "could not read incident verdicts; detection keeps the verdicts it has");
      }
      return false;
    }
    if (this.failing) {
      this.failing = false;
      this.options.info({}, "incident verdicts readable again");
    }
    const before = this.newest === null ? Number.NEGATIVE_INFINITY : Date.parse(this.newest);
    let fresh = 0;
    for (const workflow of changed) {
      dismissals.apply(feedbackOf(workflow));
      const at = Date.parse(workflow.updatedAt);
      if (at > before) fresh += 1;
      if (this.newest === null || at > Date.parse(this.newest)) this.newest = workflow.updatedAt;
    }
    // Only workflows not seen before: the overlap re-reads the last minute on every refresh.
    if (fresh > 0) this.options.info({ workflows: fresh, dismissed: dismissals.list().length }, "applied incident verdicts");
    return true;
  }
}
