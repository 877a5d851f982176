import type { FleetOperation, FleetTarget } from "./plan";

/** Resource changes of one stack operation, by kind (Pulumi's `OpType` counts, folded). */
export interface ChangeCounts {
  create: number;
  update: number;
  delete: number;
  replace: number;
  same: number;
}

export const NO_CHANGES: ChangeCounts = { create: 0, update: 0, delete: 0, replace: 0, same: 0 };

/** Runs one operation on one tenant stack; the fleet's only contact with the engine. */
export interface StackDriver {
  /**
   * Resolves with the change counts, or `"absent"` when `destroy` finds no such stack. Rejects
   * when the operation fails. `onResource` is called once per resource the engine reports.
   */
  run(target: FleetTarget, operation: FleetOperation, onResource: () => void): Promise<ChangeCounts | "absent">;
}

export type TenantResult = "ok" | "failed" | "absent";

export interface TenantOutcome {
  tenantId: string;
  stackName: string;
  result: TenantResult;
  changes: ChangeCounts;
  durationMs: number;
  /** First line of the failure, for the summary. */
  error?: string;
}

/** What the progress display is told, in order, per tenant: start, resources, finish. */
export type FleetProgress =
  | { kind: "start"; target: FleetTarget; running: number }
  | { kind: "resource"; target: FleetTarget; resources: number }
  | { kind: "finish"; outcome: TenantOutcome; finished: number; total: number };

export interface RunFleetOptions {
  operation: FleetOperation;
  /** Stacks run at the same time, 1..64. */
  concurrency: number;
  driver: StackDriver;
  /** Milliseconds, monotonic; durations are differences of it. */
  now: () => number;
  onProgress?: (event: FleetProgress) => void;
}

export const MAX_CONCURRENCY = 64;

export function validateConcurrency(value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > MAX_CONCURRENCY) {
    throw new Error(`--concurrency ${value}: must be an integer between 1 and ${MAX_CONCURRENCY}`);
  }
  return value;
}

function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const lines = text.split("\n").map((l) => l.trim()).filter(Boolean);
  // The engine's own reason ("error: ...") is more useful than the command line the wrapper prints first.
  return lines.find((l) => l.startsWith("error:")) ?? lines[0] ?? "failed";
}

/**
 * Runs the operation on every target with at most `concurrency` at once. A failing tenant never
 * stops the others; outcomes come back in target order.
 */
export async function runFleet(targets: readonly FleetTarget[], options: RunFleetOptions): Promise<TenantOutcome[]> {
  const concurrency = validateConcurrency(options.concurrency);
  const outcomes: TenantOutcome[] = new Array(targets.length);
  let next = 0;
  let running = 0;
  let finished = 0;

  async function runOne(target: FleetTarget): Promise<TenantOutcome> {
    const started = options.now();
    let resources = 0;
    const onResource = (): void => {
      resources += 1;
      options.onProgress?.({ kind: "resource", target, resources });
    };
    try {
      const changes = await options.driver.run(target, options.operation, onResource);
      const base = { tenantId: target.tenantId, stackName: target.stackName, durationMs: options.now() - started };
      return changes === "absent" ? { ...base, result: "absent", changes: NO_CHANGES } : { ...base, result: "ok", changes };
    } catch (err) {
      return {
        tenantId: target.tenantId,
        stackName: target.stackName,
        result: "failed",
        changes: NO_CHANGES,
        durationMs: options.now() - started,
        error: firstLine(err),
      };
    }
  }

  async function worker(): Promise<void> {
    while (next < targets.length) {
      const index = next++;
      const target = targets[index];
      running += 1;
      options.onProgress?.({ kind: "start", target, running });
      const outcome = await runOne(target);
      running -= 1;
      finished += 1;
      outcomes[index] = outcome;
      options.onProgress?.({ kind: "finish", outcome, finished, total: targets.length });
    }
  }

  await Promise.all(Array.from({ length: Math.min(concurrency, targets.length) }, () => worker()));
  return outcomes;
}

/** Total resource changes (everything but unchanged resources). */
export function changeTotal(changes: ChangeCounts): number {
  return changes.create + changes.update + changes.delete + changes.replace;
}

/** Pulumi's per-`OpType` counts folded into the summary's columns. */
export function foldOpCounts(counts: Readonly<Record<string, number | undefined>>): ChangeCounts {
  const n = (key: string): number => counts[key] ?? 0;
  return {
    create: n("create") + n("import"),
    update: n("update"),
    delete: n("delete"),
    replace: n("replace") + n("import-replacement"),
    same: n("same"),
  };
}
