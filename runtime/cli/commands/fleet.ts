import * as path from "node:path";
import { InvalidArgumentError, type Command } from "commander";
import { FLEET_OPERATIONS } from "../../fleet/plan";
import { validateConcurrency, type StackDriver } from "../../fleet/run";
import type { FleetCommandConfig } from "./fleet-run";

function parseConcurrency(value: string): number {
  try {
    return validateConcurrency(Number(value));
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message.replace(/^--concurrency \S+: /, ""));
  }
}

interface FleetCliOptions {
  env?: string;
  org?: string;
  tenant?: string[];
  concurrency: number;
  workDir: string;
  tenantsDir?: string;
  policyPack?: string[];
  pulumiRoot?: string;
}

export function registerFleetCommands(program: Command): void {
  const fleet = program
    .command("fleet")
    .description("Run preview, up or destroy over every tenant stack (<tenant>-<env>) with the Pulumi Automation API.");
  for (const operation of FLEET_OPERATIONS) {
    fleet
      .command(operation)
      .description(`pulumi ${operation} of every tenant stack, a summary table, non-zero exit if any tenant failed`)
      .option("--env <env>", "only the tenants of this environment (default: every tenant, on its own environment)")
      .option("--org <org>", "organization of the environment stack reference", "organization")
      .option("--tenant <id...>", "only these tenants (default: every tenants/*.yaml)")
      .option("--concurrency <n>", "tenant stacks run at once (1..64)", parseConcurrency, 4)
      .option("--work-dir <dir>", "Pulumi project directory", process.cwd())
      .option("--tenants-dir <dir>", "tenant files directory (default: <work-dir>/tenants)")
      .option("--policy-pack <dir...>", "policy packs to run with preview and up")
      .option("--pulumi-root <dir>", "install root of the pulumi CLI (holds bin/pulumi; default: pulumi on PATH)")
      .action(async (opts: FleetCliOptions) => {
        try {
          const workDir = path.resolve(opts.workDir);
          const config: FleetCommandConfig = {
            operation,
            workDir,
            tenantsDir: path.resolve(workDir, opts.tenantsDir ?? "tenants"),
            env: opts.env,
            org: opts.org,
            tenants: opts.tenant ?? [],
            concurrency: opts.concurrency,
            policyPacks: (opts.policyPack ?? []).map((p) => path.resolve(p)),
          };
          // Loaded on use: tenant files, Pulumi's Automation API (seconds to load) only matter to fleet runs.
          const { runFleetCommand } = require("./fleet-run") as typeof import("./fleet-run");
          const { createPulumiDriver } = require("../../fleet/pulumi-driver") as typeof import("../../fleet/pulumi-driver");
          const createDriver = (): Promise<StackDriver> =>
            createPulumiDriver({
              workDir,
              pulumiRoot: opts.pulumiRoot && path.resolve(opts.pulumiRoot),
              policyPacks: config.policyPacks,
            });
          const io = { out: process.stdout, err: process.stderr, now: () => performance.now() };
          process.exitCode = await runFleetCommand(config, createDriver, io);
        } catch (err) {
          process.stderr.write(`logclaw: ${err instanceof Error ? err.message.split("\n")[0] : String(err)}\n`);
          process.exitCode = 1;
        }
      });
  }
}
