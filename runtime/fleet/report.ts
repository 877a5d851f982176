import { changeTotal, type ChangeCounts, type FleetProgress, type TenantOutcome } from "./run";
import type { FleetOperation } from "./plan";

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

/** `+3 ~1 -0 ±0 (12 same)`: creates, updates, deletes, replaces. */
export function formatChanges(changes: ChangeCounts): string {
  return `+${changes.create} ~${changes.update} -${changes.delete} ±${changes.replace} (${changes.same} same)`;
}

/**
 * One progress line per tenant start and finish, and one per `resourceStep` resources a tenant's
 * engine reports, so a long fleet run shows it is moving without flooding the log.
 */
export function progressLine(event: FleetProgress, operation: FleetOperation, resourceStep = 25): string | undefined {
  switch (event.kind) {
    case "start":
      return `fleet ${operation}: ${event.target.stackName} started (${event.running} running)`;
    case "resource":
      return event.resources % resourceStep === 0
        ? `fleet ${operation}: ${event.target.stackName} ${event.resources} resources`
        : undefined;
    case "finish": {
      const o = event.outcome;
      const detail = o.result === "failed" ? `failed: ${o.error}` : o.result === "absent" ? "no such stack" : formatChanges(o.changes);
      return `fleet ${operation}: [${event.finished}/${event.total}] ${o.stackName} ${detail} in ${seconds(o.durationMs)}`;
    }
  }
}

/** The summary table: tenant, stack, result, changes, duration; then a totals line. */
export function summaryTable(outcomes: readonly TenantOutcome[]): string {
  const header = ["TENANT", "STACK", "RESULT", "CHANGES", "DURATION"];
  const rows = outcomes.map((o) => [
    o.tenantId,
    o.stackName,
    o.result,
    o.result === "ok" ? String(changeTotal(o.changes)) : "-",
    seconds(o.durationMs),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
  const failed = outcomes.filter((o) => o.result === "failed").length;
  const total = outcomes.reduce((sum, o) => sum + (o.result === "ok" ? changeTotal(o.changes) : 0), 0);
  const lines = [line(header), ...rows.map(line)];
  lines.push(`${outcomes.length} tenants, ${outcomes.length - failed} succeeded, ${failed} failed, ${total} changes`);
  for (const o of outcomes) {
    if (o.result === "failed") lines.push(`${o.tenantId}: ${o.error}`);
  }
  return `${lines.join("\n")}\n`;
}
