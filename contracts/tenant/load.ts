import * as fs from "node:fs";
import * as path from "node:path";
import { parseDocument } from "yaml";
import type { z } from "zod";
import { tenantSchema, type TenantConfig } from "./schema";
import { validateTenantAgainstTier } from "./tiers";

/**
 * Reads and validates tenant files. Every problem is one line `<file>: <field path>: <rule>` so a
 * reviewer (or CI log) sees exactly what to fix; nothing is provisioned from a file with problems.
 */

/** A tenant file that failed validation; `problems` holds one line per problem. */
export class TenantFileError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(problems.join("\n"));
    this.name = "TenantFileError";
  }
}

export type TenantParseResult = { ok: true; tenant: TenantConfig } | { ok: false; problems: string[] };

/** `integrations.routing.critical[0]`: the dotted path a person would look for in the YAML. */
export function formatFieldPath(segments: readonly PropertyKey[]): string {
  if (segments.length === 0) return "(file)";
  return segments
    .map((s, i) => (typeof s === "number" ? `[${s}]` : `${i === 0 ? "" : "."}${String(s)}`))
    .join("");
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

const article = (noun: string) => (/^[aeiou]/.test(noun) ? `an ${noun}` : `a ${noun}`);

/** The rule a zod issue broke, phrased like the schema's own messages ("must be ..."). */
export function describeIssue(issue: z.core.$ZodIssue): string {
  // The schema's own messages are already phrased as rules (lower case); zod's defaults are not.
  if (/^[a-z]/.test(issue.message)) return oneLine(issue.message);
  switch (issue.code) {
    case "invalid_type":
      return /received undefined$/.test(issue.message) ? "is required" : `must be ${article(issue.expected)}`;
    case "invalid_value":
      return `must be one of ${issue.values.map(String).join(", ")}`;
    case "too_small": {
      const min = String(issue.minimum);
      if (issue.origin === "number") return `must be ${issue.inclusive ? ">=" : ">"} ${min}`;
      return `must have at least ${min} ${issue.origin === "string" ? "characters" : "items"}`;
    }
    case "too_big": {
      const max = String(issue.maximum);
      if (issue.origin === "number") return `must be ${issue.inclusive ? "<=" : "<"} ${max}`;
      return `must have at most ${max} ${issue.origin === "string" ? "characters" : "items"}`;
    }
    default:
      return oneLine(issue.message);
  }
}

function valueAt(data: unknown, segments: readonly PropertyKey[]): unknown {
  let value = data;
  for (const s of segments) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<PropertyKey, unknown>)[s];
  }
  return value;
}

function issueLines(file: string, data: unknown, issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.flatMap((issue) => {
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => `${file}: ${formatFieldPath([...issue.path, key])}: is not a known field`);
    }
    const missing = issue.path.length > 0 && valueAt(data, issue.path) === undefined && issue.code !== "custom";
    return [`${file}: ${formatFieldPath(issue.path)}: ${missing ? "is required" : describeIssue(issue)}`];
  });
}

/**
 * Parses and validates one tenant file's text. `file` is the name used in messages (e.g.
 * `tenants/acme.yaml`); the file's base name must equal the tenant id.
 */
export function parseTenantFile(file: string, text: string): TenantParseResult {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const syntaxError = doc.errors[0];
  if (syntaxError) {
    // Later YAML errors are usually consequences of the first one.
    const at = syntaxError.linePos?.[0];
    const where = at ? `line ${at.line}, column ${at.col}: ` : "";
    return { ok: false, problems: [`${file}: (yaml): ${where}${oneLine((syntaxError.message.split("\n")[0] ?? "").replace(/ at line \d+, column \d+:?$/, ""))}`] };
  }
  const data: unknown = doc.toJS();
  const parsed = tenantSchema.safeParse(data);
  const expectedId = path.basename(file).replace(/\.ya?ml$/, "");
  if (!parsed.success) {
    // Every problem of the file at once: the tier rules still judge the fields the schema accepted.
    const problems = issueLines(file, data, parsed.error.issues);
    const invalidFields = new Set(parsed.error.issues.map((i) => String(i.path[0] ?? "")));
    const partial = validFields(data);
    if (partial && !invalidFields.has("tier") && !invalidFields.has("")) {
      for (const issue of validateTenantAgainstTier(partial)) {
        if (!invalidFields.has(issue.path.split(/[.[]/)[0]!)) problems.push(`${file}: ${issue.path}: ${issue.message}`);
      }
    }
    if (typeof (data as { id?: unknown } | null)?.id === "string" && (data as { id: string }).id !== expectedId && !invalidFields.has("id")) {
      problems.unshift(`${file}: id: must equal the file name (${expectedId})`);
    }
    return { ok: false, problems };
  }
  const tenant = parsed.data;
  const problems = validateTenantAgainstTier(tenant).map((i) => `${file}: ${i.path}: ${i.message}`);
  if (tenant.id !== expectedId) problems.unshift(`${file}: id: must equal the file name (${expectedId})`);
  return problems.length > 0 ? { ok: false, problems } : { ok: true, tenant };
}

/**
 * The tenant with each top-level field that is invalid replaced by its default (or a neutral value
 * when it has none), so the tier rules can judge the rest; null when the data is not a mapping.
 */
function validFields(data: unknown): TenantConfig | null {
  if (data === null || typeof data !== "object" || Array.isArray(data)) return null;
  const record = data as Record<string, unknown>;
  const fallback: Record<string, unknown> = { id: "x", environment: "x", tier: "starter", retentionDays: 1, ingest: { logsPerSecond: 0, burst: 0, maxRequestBytes: 0 } };
  const out: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(tenantSchema.shape)) {
    const own = (schema as z.ZodType).safeParse(record[key]);
    if (own.success) {
      out[key] = own.data;
      continue;
    }
    const byDefault = (schema as z.ZodType).safeParse(undefined);
    out[key] = byDefault.success ? byDefault.data : fallback[key];
  }
  return out as TenantConfig;
}

/** How a file is named in messages: relative to `cwd` when inside it, else as given. */
export function displayPath(file: string, cwd: string = process.cwd()): string {
  const rel = path.relative(cwd, path.resolve(cwd, file));
  return rel.startsWith("..") || path.isAbsolute(rel) ? file : rel.split(path.sep).join("/");
}

/** Reads one tenant file; throws {@link TenantFileError} listing every problem. */
export function loadTenantFile(file: string, cwd: string = process.cwd()): TenantConfig {
  const shown = displayPath(file, cwd);
  let text: string;
  try {
    text = fs.readFileSync(path.resolve(cwd, file), "utf8");
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === "ENOENT" ? "file not found" : (err as Error).message;
    throw new TenantFileError(shown, [`${shown}: (file): ${oneLine(reason)}`]);
  }
  const result = parseTenantFile(shown, text);
  if (!result.ok) throw new TenantFileError(shown, result.problems);
  return result.tenant;
}

/** The tenant files of a directory (`*.yaml`, `*.yml`), sorted by name. */
export function listTenantFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => path.join(dir, f));
}
