import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { TenantFileError, listTenantFiles, loadTenantFile, parseTenantFile } from "../../../contracts/tenant/load";

const repoRoot = path.resolve(__dirname, "..", "..", "..");
const acmeText = fs.readFileSync(path.join(repoRoot, "tenants", "acme.yaml"), "utf8");
const globexText = fs.readFileSync(path.join(repoRoot, "tenants", "globex.yaml"), "utf8");

// `any`: edits poke at arbitrary (possibly invalid) tenant-file shapes on purpose.
/** acme.yaml (starter) or globex.yaml (enterprise) with one change, validated as tenants/<id>.yaml. */
function problemsAfter(edit: (t: any) => void, base: "acme" | "globex" = "acme"): string[] {
  const tenant = parse(base === "acme" ? acmeText : globexText);
  edit(tenant);
  const result = parseTenantFile(`tenants/${base}.yaml`, stringify(tenant));
  return result.ok ? [] : result.problems;
}

describe("the example tenant files", () => {
  it("are valid: acme is starter, globex is enterprise", () => {
    expect(loadTenantFile("tenants/acme.yaml", repoRoot).tier).toBe("starter");
    expect(loadTenantFile("tenants/globex.yaml", repoRoot).tier).toBe("enterprise");
    expect(listTenantFiles(path.join(repoRoot, "tenants")).map((f) => path.basename(f))).toEqual(["acme.yaml", "globex.yaml"]);
  });
});

describe("a file with schema and tier problems", () => {
  it("reports every problem of the file: schema errors and the tier rules of the fields the schema accepted", () => {
    const problems = problemsAfter((t) => {
      t.environment = "Dev Env";
      t.ingest.rate = 5;
      t.retentionDays = 3650;
      t.llm = { provider: "openai", model: "gpt-4o-mini", credentials: { key: "logclaw/acme/llm" } };
    });
    expect(problems).toEqual([
      "tenants/acme.yaml: environment: must be a DNS label such as dev, staging or prod",
      "tenants/acme.yaml: ingest.rate: is not a known field",
      "tenants/acme.yaml: retentionDays: must be between 1 and 14 for tier starter",
      "tenants/acme.yaml: llm: LLM root-cause analysis is not available on tier starter",
    ]);
  });
});

describe("invalid tenant files: one line naming file, field and rule", () => {
  const rules: [string, (t: any) => void, string, ("acme" | "globex")?][] = [
    ["burst below the sustained rate", (t) => (t.ingest.burst = 10), "tenants/acme.yaml: ingest.burst: must be >= logsPerSecond"],
    ["id is not a DNS label", (t) => (t.id = "Acme_Corp"), "tenants/acme.yaml: id: must be a DNS label: lower-case letters, digits and '-', starting and ending alphanumeric"],
    ["id longer than 40", (t) => (t.id = "a".repeat(41)), "tenants/acme.yaml: id: must be at most 40 characters"],
    ["id differs from the file name", (t) => (t.id = "acme2"), "tenants/acme.yaml: id: must equal the file name (acme)"],
    ["unknown tier", (t) => (t.tier = "gold"), "tenants/acme.yaml: tier: must be one of starter, standard, enterprise"],
    ["missing retention", (t) => delete t.retentionDays, "tenants/acme.yaml: retentionDays: is required"],
    ["retention of the wrong type", (t) => (t.retentionDays = "seven"), "tenants/acme.yaml: retentionDays: must be a number"],
    ["retention not positive", (t) => (t.retentionDays = 0), "tenants/acme.yaml: retentionDays: must be > 0"],
    ["unknown field", (t) => (t.ingest.rate = 5), "tenants/acme.yaml: ingest.rate: is not a known field"],
    ["secret value instead of a reference", (t) => (t.integrations.jira.credentials.value = "hunter2"), "tenants/acme.yaml: integrations.jira.credentials.value: is not a known field"],
    ["secret reference outside logclaw/", (t) => (t.integrations.jira.credentials.key = "acme/jira"), "tenants/acme.yaml: integrations.jira.credentials.key: must be a secret-store key under logclaw/ (e.g. logclaw/acme/jira)"],
    ["platform URL without TLS", (t) => (t.integrations.jira.baseUrl = "http://acme.atlassian.net"), "tenants/acme.yaml: integrations.jira.baseUrl: must use https://"],
    ["routing to an unconfigured platform", (t) => (t.integrations.routing.high = ["zammad"]), "tenants/acme.yaml: integrations.routing.high[0]: routes to zammad, which is not configured under integrations"],
    ["Azure OpenAI without an API version", (t) => delete t.llm.apiVersion, "tenants/globex.yaml: llm.apiVersion: is required for provider azure-openai", "globex"],
    ["retention beyond the tier", (t) => (t.retentionDays = 30), "tenants/acme.yaml: retentionDays: must be between 1 and 14 for tier starter"],
    ["retention below the tier", (t) => (t.retentionDays = 3), "tenants/globex.yaml: retentionDays: must be between 7 and 365 for tier enterprise", "globex"],
    ["ingest rate beyond the tier", (t) => ((t.ingest.logsPerSecond = 6000), (t.ingest.burst = 8000)), "tenants/acme.yaml: ingest.logsPerSecond: must be <= 5000 for tier starter"],
    ["burst beyond the tier", (t) => (t.ingest.burst = 30000), "tenants/acme.yaml: ingest.burst: must be <= 20000 for tier starter"],
    [
      "ticket platform the tier does not offer",
      (t) => (t.integrations.pagerduty = { credentials: { key: "logclaw/acme/pagerduty" } }),
      "tenants/acme.yaml: integrations.pagerduty: platform pagerduty is not available on tier starter (allowed: jira, slack, zammad)",
    ],
    [
      "LLM RCA on a tier without it",
      (t) => (t.llm = { provider: "openai", model: "gpt-4o-mini", credentials: { key: "logclaw/acme/llm" } }),
      "tenants/acme.yaml: llm: LLM root-cause analysis is not available on tier starter",
    ],
    ["replica override beyond the tier", (t) => (t.overrides = { replicas: { bridge: 3 } }), "tenants/acme.yaml: overrides.replicas.bridge: must be <= 2 for tier starter"],
    ["storage override below the tier default", (t) => (t.overrides = { storage: { kafkaGi: 10 } }), "tenants/acme.yaml: overrides.storage.kafkaGi: must be between 20 and 100 for tier starter"],
    ["storage override beyond the tier", (t) => (t.overrides.storage.opensearchGi = 20000), "tenants/globex.yaml: overrides.storage.opensearchGi: must be between 1000 and 16000 for tier enterprise", "globex"],
  ];
  for (const [rule, edit, expected, base] of rules) {
    it(rule, () => expect(problemsAfter(edit, base)).toEqual([expected]));
  }

  it("reports YAML syntax errors with their position", () => {
    expect(parseTenantFile("tenants/acme.yaml", "id: acme\nid: other\n")).toEqual({
      ok: false,
      problems: ["tenants/acme.yaml: (yaml): line 2, column 1: Map keys must be unique"],
    });
    expect(parseTenantFile("tenants/acme.yaml", "- a\n")).toEqual({ ok: false, problems: ["tenants/acme.yaml: (file): must be an object"] });
  });

  it("lists every problem, one line each", () => {
    const problems = problemsAfter((t) => {
      t.tier = "gold";
      t.ingest.burst = 1;
    });
    expect(problems).toEqual(["tenants/acme.yaml: tier: must be one of starter, standard, enterprise", "tenants/acme.yaml: ingest.burst: must be >= logsPerSecond"]);
    for (const line of problems) expect(line).not.toContain("\n");
  });

  it("throws a TenantFileError naming a missing file", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "logclaw-tenants-"));
    expect(() => loadTenantFile(path.join(dir, "nope.yaml"), dir)).toThrowError(new TenantFileError("nope.yaml", ["nope.yaml: (file): file not found"]));
  });
});
