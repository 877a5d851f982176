import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import type { StackSnapshot } from "./stack-snapshot";

export type { StackSnapshot };

const run = promisify(execFile);
const repoRoot = path.resolve(__dirname, "..", "..");

export interface SnapshotRequest {
  /** Name the snapshot is stored under. */
  stack: string;
  /** Stack config file to use (`stacks/Pulumi.<config>.yaml`); defaults to `stack`. */
  config?: string;
  /** Environment snapshot whose outputs the tenant's StackReference returns. */
  environment?: string;
  tenantsDir?: string;
  set?: Record<string, string>;
}

async function snapshotOne(request: SnapshotRequest, envOutputs: string | undefined): Promise<StackSnapshot> {
  const args = ["--import", "tsx", path.join(__dirname, "stack-snapshot.ts"), "--stack", request.config ?? request.stack];
  if (envOutputs) args.push("--env-outputs", envOutputs);
  if (request.tenantsDir) args.push("--tenants-dir", request.tenantsDir);
  for (const [k, v] of Object.entries(request.set ?? {})) args.push("--set", `${k}=${v}`);
  const { stdout } = await run(process.execPath, args, { cwd: repoRoot, maxBuffer: 64 * 1024 * 1024 });
  return { ...(JSON.parse(stdout) as StackSnapshot), stack: request.stack };
}

/**
 * Snapshots stacks, each in its own process (Pulumi mocks are process-global): environments first,
 * then tenants against their environment's outputs. Two at a time to spare the machine.
 */
export async function snapshotStacks(requests: SnapshotRequest[]): Promise<Record<string, StackSnapshot>> {
  const results: Record<string, StackSnapshot> = {};
  const outputsDir = mkdtempSync(path.join(tmpdir(), "logclaw-env-outputs-"));
  const inBatches = async (batch: SnapshotRequest[]) => {
    for (let i = 0; i < batch.length; i += 2) {
      const done = await Promise.all(
        batch.slice(i, i + 2).map((r) => snapshotOne(r, r.environment ? path.join(outputsDir, `${r.environment}.json`) : undefined)),
      );
      for (const s of done) results[s.stack] = s;
    }
  };
  await inBatches(requests.filter((r) => !r.environment));
  for (const s of Object.values(results)) writeFileSync(path.join(outputsDir, `${s.stack}.json`), JSON.stringify(s.outputs));
  await inBatches(requests.filter((r) => r.environment));
  return results;
}
