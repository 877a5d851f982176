// `logclaw fleet`'s work, apart from its registration (fleet.ts) so `logclaw --help` does not load it.
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { listTenantFiles, loadTenantFile, TenantFileError, type TenantConfig } from "../../../contracts/tenant";
import { planFleet, type FleetOperation } from "../../fleet/plan";
import { progressLine, summaryTable } from "../../fleet/report";
import { NO_CHANGES, runFleet, type StackDriver, type TenantOutcome } from "../../fleet/run";

/** The validated options of one `logclaw fleet` run. */
export interface FleetCommandConfig {
  operation: FleetOperation;
  /** Pulumi project directory (Pulumi.yaml). */
  workDir: string;
  /** Where the tenant files are; default `<workDir>/tenants`. */
  tenantsDir: string;
  env?: string;
  org?: string;
  tenants: string[];
  concurrency: number;
  policyPacks: string[];
}

export interface FleetIo {
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
  now: () => number;
}

function projectName(workDir: string): string {
  const file = path.join(workDir, "Pulumi.yaml");
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    throw new Error(`fleet: --work-dir ${workDir}: no Pulumi.yaml there`);
  }
  const name = (parse(text) as { name?: unknown } | null)?.name;
  if (typeof name !== "string" || name === "") throw new Error(`fleet: ${file}: name: is required`);
  return name;
}

interface LoadedTenants {
  tenants: TenantConfig[];
  /** Tenant files that failed validation: reported as failed tenants, never run. */
  invalid: TenantOutcome[];
}

const tenantIdOf = (file: string): string => path.basename(file).replace(/\.ya?ml$/, "");

/** Loads the selected tenant files; files of tenants not selected are not read. */
function loadTenants(config: FleetCommandConfig): LoadedTenants {
  const all = listTenantFiles(config.tenantsDir);
  const known = all.map(tenantIdOf);
  const unknown = config.tenants.filter((id) => !known.includes(id));
  if (unknown.length > 0) {
    throw new Error(`--tenant ${unknown.join(", ")}: no such tenant file (known: ${known.join(", ") || "none"})`);
  }
  const wanted = new Set(config.tenants);
  const files = all.filter((file) => wanted.size === 0 || wanted.has(tenantIdOf(file)));
  const loaded: LoadedTenants = { tenants: [], invalid: [] };
  for (const file of files) {
    try {
      loaded.tenants.push(loadTenantFile(file, config.workDir));
    } catch (err) {
      if (!(err instanceof TenantFileError)) throw err;
      loaded.invalid.push({
        tenantId: tenantIdOf(file),
        stackName: "-",
        result: "failed",
        changes: NO_CHANGES,
        durationMs: 0,
        error: err.problems[0],
      });
    }
  }
  return loaded;
}

/**
 * Runs one fleet operation over the tenant stacks and prints the summary; resolves with the exit
 * code (1 when any tenant failed). `createDriver` opens the engine (the Automation API in
 * production) once the input is known to be valid.
 */
export async function runFleetCommand(
  config: FleetCommandConfig,
  createDriver: () => Promise<StackDriver>,
  io: FleetIo,
): Promise<number> {
  const { tenants, invalid } = loadTenants(config);
  const invalidIds = invalid.map((o) => o.tenantId);
  const targets = planFleet(tenants, {
    project: projectName(config.workDir),
    env: config.env,
    org: config.org,
    tenants: config.tenants.length > 0 ? config.tenants.filter((id) => !invalidIds.includes(id)) : undefined,
  });
  if (targets.length === 0 && invalid.length === 0) {
    const where = config.env === undefined ? "" : ` of environment ${config.env}`;
    io.err.write(`logclaw: fleet: no tenants${where} in ${config.tenantsDir}\n`);
    return 1;
  }
  for (const o of invalid) io.err.write(`fleet ${config.operation}: ${o.tenantId} skipped: ${o.error}\n`);
  const outcomes =
    targets.length === 0
      ? []
      : await runFleet(targets, {
          operation: config.operation,
          concurrency: config.concurrency,
          driver: await createDriver(),
          now: io.now,
          onProgress: (event) => {
            const line = progressLine(event, config.operation);
            if (line) io.err.write(`${line}\n`);
          },
        });
  const all = [...outcomes, ...invalid].sort((a, b) => a.tenantId.localeCompare(b.tenantId));
  io.out.write(summaryTable(all));
  return all.some((o) => o.result === "failed") ? 1 : 0;
}
