// `logclaw tenant`'s work, apart from its registration (tenant.ts) so `logclaw --help` does not load the schema.
import * as path from "node:path";
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
