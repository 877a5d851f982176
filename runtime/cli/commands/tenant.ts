import type { Command } from "commander";

/** Loaded on use, so `logclaw --help` does not load the tenant schema. */
const tenantFiles = () => require("./tenant-files") as typeof import("./tenant-files");

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
      const { checkTenantFiles } = tenantFiles();
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
      const { checkTenantFiles, formatTable, tenantRows, TENANT_TABLE_HEADER } = tenantFiles();
      const checks = checkTenantFiles([], opts.dir);
      if (checks.length === 0) return noFiles(opts.dir);
      const valid = checks.flatMap((c) => (c.tenant ? [c.tenant] : []));
      process.stdout.write(formatTable(TENANT_TABLE_HEADER, tenantRows(valid)));
      for (const check of checks) for (const problem of check.problems) process.stderr.write(`${problem}\n`);
      if (valid.length < checks.length) process.exitCode = 1;
    });
}
