import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";

// Each case starts the real CLI (tsx compiles it on load), which takes seconds on a busy machine.
const SPAWN = { timeout: 120_000 };
import { checkTenantFiles, formatTable } from "../../../runtime/cli/commands/tenant-files";

const repoRoot = path.resolve(__dirname, "..", "..", "..");
const bin = path.join(repoRoot, "runtime", "cli", "bin.js");

function logclaw(args: string[], cwd = repoRoot) {
  const result = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: "utf8" });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function tempTenants(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "logclaw-cli-"));
  fs.mkdirSync(path.join(dir, "tenants"));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, "tenants", name), text);
  return dir;
}

const acme = fs.readFileSync(path.join(repoRoot, "tenants", "acme.yaml"), "utf8");

describe("logclaw tenant validate", () => {
  it("accepts every tenant file in tenants/ with exit code 0", SPAWN, () => {
    const run = logclaw(["tenant", "validate"]);
    expect(run.stderr).toBe("");
    expect(run.stdout).toBe("ok tenants/acme.yaml (acme, starter)\nok tenants/globex.yaml (globex, enterprise)\n");
    expect(run.status).toBe(0);
  });

  it("exits 1 with one line per problem naming file, field and rule", SPAWN, () => {
    const dir = tempTenants({ "acme.yaml": acme, "bad.yaml": acme.replace("id: acme", "id: bad").replace("burst: 8000", "burst: 10") });
    const run = logclaw(["tenant", "validate"], dir);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe("ok tenants/acme.yaml (acme, starter)\n");
    expect(run.stderr).toBe("tenants/bad.yaml: ingest.burst: must be >= logsPerSecond\nlogclaw: tenant validate: 1 of 2 tenant files invalid\n");
  });

  it("validates only the files it is given", SPAWN, () => {
    const dir = tempTenants({ "acme.yaml": acme, "other.yaml": "id: [" });
    const run = logclaw(["tenant", "validate", "tenants/acme.yaml"], dir);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe("ok tenants/acme.yaml (acme, starter)\n");
  });

  it("exits 1 for a missing file and for a directory without tenant files", SPAWN, () => {
    const dir = tempTenants({});
    expect(logclaw(["tenant", "validate", "tenants/nope.yaml"], dir)).toMatchObject({
      status: 1,
      stderr: "tenants/nope.yaml: (file): file not found\nlogclaw: tenant validate: 1 of 1 tenant files invalid\n",
    });
    expect(logclaw(["tenant", "validate"], dir)).toMatchObject({ status: 1, stderr: "logclaw: tenant: no tenant files (*.yaml) in tenants\n" });
  });
});

describe("logclaw tenant list", () => {
  it("prints the tenants as a table", SPAWN, () => {
    const run = logclaw(["tenant", "list"]);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(
      [
        "ID      TIER        ENV  RETENTION  LOGS/S  PLATFORMS                   LLM",
        "acme    starter     dev  7d         2000    jira,slack                  -",
        "globex  enterprise  dev  90d        120000  servicenow,pagerduty,slack  azure-openai/gpt-4o",
        "",
      ].join("\n"),
    );
  });

  it("lists the valid tenants and exits 1 when a file is invalid", SPAWN, () => {
    const dir = tempTenants({ "acme.yaml": acme, "zz.yaml": "id: zz\n" });
    const run = logclaw(["tenant", "list"], dir);
    expect(run.status).toBe(1);
    expect(run.stdout.split("\n")[1]).toMatch(/^acme /);
    expect(run.stderr.split("\n")[0]).toBe("tenants/zz.yaml: tier: is required");
  });
});

describe("tenant command helpers", () => {
  it("pads table columns to the widest cell", () => {
    expect(formatTable(["A", "B"], [["long", "x"]])).toBe("A     B\nlong  x\n");
  });

  it("checks files relative to the working directory", () => {
    const checks = checkTenantFiles([], "tenants", repoRoot);
    expect(checks.map((c) => [c.file, c.tenant?.tier, c.problems])).toEqual([
      ["tenants/acme.yaml", "starter", []],
      ["tenants/globex.yaml", "enterprise", []],
    ]);
  });
});
