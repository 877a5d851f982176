import * as path from "node:path";
import type { Command } from "commander";
import { TenantFileError, configuredPlatforms, displayPath, listTenantFiles, loadTenantFile, type TenantConfig } from "../../../contracts/tenant";

export interface TenantCheck {
  file: string;
  tenant?: TenantConfig;
  problems: string[];
}

/** Validates tenant files; an empty `files` means every `*.yaml` in `dir`. */
export function checkTenantFiles(files: string[], dir: string, cwd: string = process.cwd()): TenantCheck[] {
  const targets = files.length > 0 ? files : listTenantFiles(path.resolve(cwd, dir));
  return targets.map((file) => {
    try {
      return { file: displayPath(file, cwd), tenant: loadTenantFile(file, cwd), problems: [] };
    } catch (err) {
      if (err instanceof TenantFileError) return { file: err.file, problems: err.problems };
      throw err;
    }
  });
}

/** A plain-text table, columns padded to their widest cell. */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join("  ");
  return [line(header), ...rows.map(line)].join("\n") + "\n";
}

export function tenantRows(tenants: TenantConfig[]): string[][] {
  return tenants.map((t) => [
    t.id,
    t.tier,
    t.environment,
    `${t.retentionDays}d`,
    String(t.ingest.logsPerSecond),
    configuredPlatforms(t).join(",") || "-",
    t.llm ? `${t.llm.provider}/${t.llm.model}` : "-",
  ]);
}

export const TENANT_TABLE_HEADER = ["ID", "TIER", "ENV", "RETENTION", "LOGS/S", "PLATFORMS", "LLM"];

function noFiles(dir: string): void {
  process.stderr.write(`logclaw: tenant: no tenant files (*.yaml) in ${dir}\n`);
  process.exitCode = 1;
}

export function registerTenantCommands(program: Command): void {
  const tenant = program.command("tenant").description("Tenant files (tenants/<id>.yaml): validate and list.");

  tenant
    .command("validate")
    .description("Validate tenant files (default: every tenants/*.yaml); one line per problem, non-zero exit if any.")
    .argument("[files...]", "tenant files to validate")
    .option("--dir <dir>", "directory of tenant files when no file is given", "tenants")
    .action((files: string[], opts: { dir: string }) => {
      const checks = checkTenantFiles(files, opts.dir);
      if (checks.length === 0) return noFiles(opts.dir);
      for (const check of checks) {
        if (check.tenant) process.stdout.write(`ok ${check.file} (${check.tenant.id}, ${check.tenant.tier})\n`);
        else for (const problem of check.problems) process.stderr.write(`${problem}\n`);
      }
      const invalid = checks.filter((c) => !c.tenant).length;
      if (invalid > 0) {
        process.stderr.write(`logclaw: tenant validate: ${invalid} of ${checks.length} tenant files invalid\n`);
        process.exitCode = 1;
      }
    });

  tenant
    .command("list")
    .description("List the tenants as a table (id, tier, environment, retention, rate, platforms, LLM).")
    .option("--dir <dir>", "directory of tenant files", "tenants")
    .action((opts: { dir: string }) => {
      const checks = checkTenantFiles([], opts.dir);
      if (checks.length === 0) return noFiles(opts.dir);
      const valid = checks.flatMap((c) => (c.tenant ? [c.tenant] : []));
      process.stdout.write(formatTable(TENANT_TABLE_HEADER, tenantRows(valid)));
      for (const check of checks) for (const problem of check.problems) process.stderr.write(`${problem}\n`);
      if (valid.length < checks.length) process.exitCode = 1;
    });
}
