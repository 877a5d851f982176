/**
 * `npm run policy:check`: runs every shipped stack (`stacks/Pulumi.*.yaml`) through its real
 * program under Pulumi mocks, feeds the resources through the CrossGuard pack and prints a report.
 * Exits non-zero when a mandatory policy is violated. The real-engine equivalent is
 * `pulumi preview --policy-pack policies` on each stack.
 */
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { evaluatePolicies } from "../../policies/lib/evaluate";
import { logclawPolicies } from "../../policies/pack";
import { snapshotStacks, type SnapshotRequest } from "./stack-snapshots";

const repoRoot = path.resolve(__dirname, "..", "..");

function shippedStacks(): SnapshotRequest[] {
  const stacksDir = path.join(repoRoot, "stacks");
  return readdirSync(stacksDir)
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort()
    .map((stack) => {
      const config = (parse(readFileSync(path.join(stacksDir, `Pulumi.${stack}.yaml`), "utf8")) as { config?: Record<string, unknown> }).config ?? {};
      const environmentStack = config["logclaw:environmentStack"];
      return typeof environmentStack === "string" ? { stack, environment: environmentStack.split("/").pop()! } : { stack };
    });
}

async function main(): Promise<void> {
  const requests = shippedStacks();
  process.stderr.write(`policy check: running ${requests.length} stacks under mocks (${requests.map((r) => r.stack).join(", ")})\n`);
  const snapshots = await snapshotStacks(requests);
  let mandatory = 0;
  for (const request of requests) {
    const snapshot = snapshots[request.stack]!;
    const violations = await evaluatePolicies(logclawPolicies, snapshot.resources);
    const verdict = violations.length === 0 ? "PASS" : "FAIL";
    process.stdout.write(`${verdict}  ${request.stack.padEnd(16)} ${String(snapshot.resources.length).padStart(4)} resources  ${violations.length} violations\n`);
    for (const v of violations) {
      if (v.enforcementLevel === "mandatory") mandatory += 1;
      process.stdout.write(`      [${v.enforcementLevel}] ${v.policy}: ${v.message}\n`);
    }
  }
  process.stdout.write(`\n${logclawPolicies.length} policies, ${requests.length} stacks, ${mandatory} mandatory violations\n`);
  process.exitCode = mandatory === 0 ? 0 : 1;
}

main().catch((err: unknown) => {
  process.stderr.write(`policy check: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
