import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PassThrough } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { loadTenantFile } from "../../../contracts/tenant";
import { runFleetCommand, type FleetCommandConfig } from "../../../runtime/cli/commands/fleet-run";
import {
  planFleet,
  runFleet,
  summaryTable,
  type ChangeCounts,
  type FleetOperation,
  type FleetTarget,
  type StackDriver,
} from "../../../runtime/fleet";

const repoRoot = path.resolve(__dirname, "..", "..", "..");
const acme = loadTenantFile(path.join(repoRoot, "tenants", "acme.yaml"));
const globex = loadTenantFile(path.join(repoRoot, "tenants", "globex.yaml"));

const changes = (create: number, same = 0): ChangeCounts => ({ create, update: 0, delete: 0, replace: 0, same });

function target(id: string): FleetTarget {
  return { tenantId: id, stackName: `${id}-local`, config: {} };
}

/** A clock that advances 100 ms each time it is read. */
function steppingClock(): () => number {
  let t = 0;
  return () => (t += 100);
}

describe("planFleet", () => {
  const local = { ...acme, environment: "local" };

  it("names each stack <tenant>-<env> and points it at its environment stack", () => {
    const targets = planFleet([globex, local], { project: "logclaw" });
    expect(targets).toEqual([
      {
        tenantId: "acme",
        stackName: "acme-local",
        config: { "logclaw:tenant": "acme", "logclaw:environmentStack": "organization/logclaw/local" },
      },
      {
        tenantId: "globex",
        stackName: `globex-${globex.environment}`,
        config: { "logclaw:tenant": "globex", "logclaw:environmentStack": `organization/logclaw/${globex.environment}` },
      },
    ]);
  });

  it("keeps only the tenants of --env and --tenant, under --org", () => {
    expect(planFleet([globex, local], { project: "logclaw", env: "local" }).map((t) => t.stackName)).toEqual(["acme-local"]);
    const targets = planFleet([local, globex], { project: "logclaw", org: "acme-corp", tenants: ["globex"] });
    expect(targets.map((t) => t.config["logclaw:environmentStack"])).toEqual([`acme-corp/logclaw/${globex.environment}`]);
  });

  it("refuses unknown tenants, tenants of another environment and environments that are no DNS label", () => {
    expect(() => planFleet([local], { project: "logclaw", tenants: ["initech"] })).toThrow(
      "--tenant initech: no such tenant file (known: acme)",
    );
    expect(() => planFleet([local], { project: "logclaw", env: "prod", tenants: ["acme"] })).toThrow(
      "--tenant acme: not in environment prod (acme is in local)",
    );
    expect(() => planFleet([local], { project: "logclaw", env: "Prod_1" })).toThrow("--env Prod_1: must be a DNS label");
  });
});

describe("runFleet", () => {
  it("never runs more stacks at once than the concurrency and keeps going after a failure", async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const driver: StackDriver = {
      async run(t, _operation, onResource) {
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((resolve) => setImmediate(resolve));
        onResource();
        inFlight -= 1;
        if (t.tenantId === "t03") throw new Error("preview failed\nerror: tenant t03: ingest over quota");
        return changes(2, 1);
      },
    };
    const targets = Array.from({ length: 10 }, (_, i) => target(`t${String(i).padStart(2, "0")}`));
    const outcomes = await runFleet(targets, { operation: "preview", concurrency: 3, driver, now: steppingClock() });
    expect(maxInFlight).toBe(3);
    expect(outcomes.map((o) => o.tenantId)).toEqual(targets.map((t) => t.tenantId));
    expect(outcomes.filter((o) => o.result === "failed")).toEqual([
      expect.objectContaining({ tenantId: "t03", error: "error: tenant t03: ingest over quota" }),
    ]);
    expect(outcomes.filter((o) => o.result === "ok")).toHaveLength(9);
    expect(outcomes.every((o) => o.durationMs > 0)).toBe(true);
  });

  it("reports a destroy of a stack that does not exist as absent, not as a failure", async () => {
    const driver: StackDriver = { run: async () => "absent" };
    const [outcome] = await runFleet([target("acme")], { operation: "destroy", concurrency: 1, driver, now: steppingClock() });
    expect(outcome).toMatchObject({ result: "absent", changes: changes(0) });
  });

  it("rejects a concurrency outside 1..64", async () => {
    const driver: StackDriver = { run: async () => changes(0) };
    await expect(runFleet([], { operation: "up", concurrency: 0, driver, now: steppingClock() })).rejects.toThrow(
      "--concurrency 0: must be an integer between 1 and 64",
    );
  });
});

describe("summaryTable", () => {
  it("lists tenant, result, changes and duration, then totals and each failure's reason", () => {
    const table = summaryTable([
      { tenantId: "acme", stackName: "acme-local", result: "ok", changes: changes(12, 3), durationMs: 4200 },
      { tenantId: "globex", stackName: "globex-local", result: "failed", changes: changes(0), durationMs: 900, error: "boom" },
    ]);
    expect(table.split("\n")).toEqual([
      "TENANT  STACK         RESULT  CHANGES  DURATION",
      "acme    acme-local    ok      12       4.2s",
      "globex  globex-local  failed  -        0.9s",
      "2 tenants, 1 succeeded, 1 failed, 12 changes",
      "globex: boom",
      "",
    ]);
  });
});

describe("runFleetCommand", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  function project(extraTenants: Record<string, string> = {}): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "logclaw-fleet-"));
    dirs.push(dir);
    fs.copyFileSync(path.join(repoRoot, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
    fs.mkdirSync(path.join(dir, "tenants"));
    for (const id of ["acme", "globex"]) {
      const text = fs.readFileSync(path.join(repoRoot, "tenants", `${id}.yaml`), "utf8");
      fs.writeFileSync(path.join(dir, "tenants", `${id}.yaml`), text.replace(/^environment: .*$/m, "environment: local"));
    }
    for (const [name, text] of Object.entries(extraTenants)) fs.writeFileSync(path.join(dir, "tenants", name), text);
    return dir;
  }

  function config(workDir: string, operation: FleetOperation, tenants: string[] = []): FleetCommandConfig {
    return { operation, workDir, tenantsDir: path.join(workDir, "tenants"), env: "local", tenants, concurrency: 2, policyPacks: [] };
  }

  function capture(): { stream: PassThrough; text: () => string } {
    const stream = new PassThrough();
    const chunks: Buffer[] = [];
    stream.on("data", (c: Buffer) => chunks.push(c));
    return { stream, text: () => Buffer.concat(chunks).toString("utf8") };
  }

  it("runs every tenant file's stack, prints progress and the summary, exits 0", async () => {
    const workDir = project();
    const seen: FleetTarget[] = [];
    const driver: StackDriver = {
      async run(t) {
        seen.push(t);
        return changes(t.tenantId === "acme" ? 20 : 30);
      },
    };
    const out = capture();
    const err = capture();
    const code = await runFleetCommand(config(workDir, "up"), async () => driver, { out: out.stream, err: err.stream, now: steppingClock() });
    expect(code).toBe(0);
    expect(seen.map((t) => t.stackName).sort()).toEqual(["acme-local", "globex-local"]);
    expect(seen[0].config["logclaw:environmentStack"]).toBe("organization/logclaw/local");
    expect(out.text()).toContain("2 tenants, 2 succeeded, 0 failed, 50 changes");
    expect(err.text()).toMatch(/fleet up: \[2\/2\] \S+-local \+\d+ ~0 -0 ±0/);
  });

  it("reports an invalid tenant file as a failed tenant, runs the others and exits 1", async () => {
    const workDir = project({ "initech.yaml": "id: initech\ntier: platinum\n" });
    const seen: string[] = [];
    const driver: StackDriver = {
      async run(t) {
        seen.push(t.tenantId);
        return changes(1);
      },
    };
    const out = capture();
    const err = capture();
    const code = await runFleetCommand(config(workDir, "preview"), async () => driver, { out: out.stream, err: err.stream, now: steppingClock() });
    expect(code).toBe(1);
    expect(seen.sort()).toEqual(["acme", "globex"]);
    expect(out.text()).toMatch(/^initech\s+-\s+failed/m);
    expect(out.text()).toContain("3 tenants, 2 succeeded, 1 failed");
    expect(err.text()).toContain("fleet preview: initech skipped: tenants/initech.yaml: ");
  });

  it("runs no other tenant when the only selected tenant's file is invalid", async () => {
    const workDir = project({ "initech.yaml": "id: initech\ntier: platinum\n" });
    let opened = false;
    const out = capture();
    const code = await runFleetCommand(
      config(workDir, "up", ["initech"]),
      async () => {
        opened = true;
        return { run: async () => changes(1) };
      },
      { out: out.stream, err: capture().stream, now: steppingClock() },
    );
    expect(code).toBe(1);
    expect(opened).toBe(false);
    expect(out.text()).toContain("1 tenants, 0 succeeded, 1 failed");
  });

  it("refuses an unknown --tenant before opening the engine", async () => {
    const workDir = project();
    let opened = false;
    const io = { out: capture().stream, err: capture().stream, now: steppingClock() };
    await expect(
      runFleetCommand(config(workDir, "up", ["initech"]), async () => {
        opened = true;
        return { run: async () => changes(0) };
      }, io),
    ).rejects.toThrow("--tenant initech: no such tenant file (known: acme, globex)");
    expect(opened).toBe(false);
  });
});
