import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { validateManifest } from "../support/k8s-schemas";
import { EngineProject, locateToolchain } from "./support/engine";

/**
 * The real Pulumi engine on a local file backend: the render-only `local` environment stack, two
 * tenant stacks on it (starter acme, enterprise globex), the policy pack, `logclaw fleet` and
 * destroy. Needs `npm run toolchain`; skipped with a line on stderr when it is not built.
 */

const located = locateToolchain();
const toolchain = "toolchain" in located && located.toolchain.missing.length === 0 ? located.toolchain : undefined;
if (!toolchain) {
  const why = "unavailable" in located ? located.unavailable : `not built: ${located.toolchain.missing.join(", ")}`;
  process.stderr.write(`e2e: real-engine suite skipped, Pulumi toolchain incomplete (${why})\n`);
}

const TENANTS = ["acme", "globex"] as const;

describe.skipIf(!toolchain)("real Pulumi engine, render-only", () => {
  let project: EngineProject;

  async function ok(args: string[]): Promise<string> {
    const result = await project.pulumi(args);
    expect(result.code, `pulumi ${args.join(" ")}\n${result.stdout}\n${result.stderr}`).toBe(0);
    return result.stdout;
  }

  async function initTenantStack(id: string): Promise<void> {
    await ok(["stack", "init", `${id}-local`]);
    await ok(["config", "set", "logclaw:tenant", id, "--stack", `${id}-local`]);
    await ok(["config", "set", "logclaw:environmentStack", "organization/logclaw/local", "--stack", `${id}-local`]);
  }

  beforeAll(async () => {
    if (!toolchain) return;
    project = EngineProject.create(toolchain);
    await project.installPlugins();
  });

  afterAll(() => project?.dispose());

  it("pulumi up of the local environment stack renders its manifests", async () => {
    await ok(["stack", "init", "local"]);
    await ok(["up", "--yes", "--skip-preview", "--stack", "local"]);
    const manifests = project.manifestFiles("rendered/local").filter((f) => !f.includes(`${path.sep}tenants${path.sep}`));
    process.stderr.write(`e2e: stack local rendered ${manifests.length} manifest files\n`);
    expect(manifests.length).toBeGreaterThan(0);
  });

  it("pulumi up of a starter and an enterprise tenant stack renders them with their outputs", async () => {
    for (const id of TENANTS) {
      await initTenantStack(id);
      await ok(["up", "--yes", "--skip-preview", "--stack", `${id}-local`]);
      const manifests = project.manifestFiles(`rendered/local/tenants/${id}`);
      process.stderr.write(`e2e: stack ${id}-local rendered ${manifests.length} manifest files\n`);
      expect(manifests.length).toBeGreaterThan(0);

      const outputs = JSON.parse(await ok(["stack", "output", "--json", "--stack", `${id}-local`])) as Record<string, unknown>;
      for (const key of ["otlpHttpEndpoint", "otlpGrpcEndpoint", "dashboardUrl"]) {
        expect(typeof outputs[key], key).toBe("string");
        expect(outputs[key]).not.toBe("");
      }
      expect(outputs.apiKey).toBe("[secret]");
    }
  });

  it("keeps the API key encrypted in the state", async () => {
    const state = project.stateText();
    for (const id of TENANTS) {
      const apiKey = (await ok(["stack", "output", "apiKey", "--show-secrets", "--stack", `${id}-local`])).trim();
      expect(apiKey.length).toBeGreaterThanOrEqual(16);
      expect(state.includes(apiKey), `${id}: plaintext API key in the state`).toBe(false);
    }
  });

  it("renders only manifests that validate against the upstream CRDs and the Kubernetes schemas", () => {
    const problems: string[] = [];
    let objects = 0;
    for (const file of project.manifestFiles("rendered/local")) {
      for (const doc of parseAllDocuments(fs.readFileSync(file, "utf8"))) {
        const obj: unknown = doc.toJS();
        if (obj === null) continue;
        objects += 1;
        problems.push(...validateManifest(obj).map((p) => `${path.relative(project.dir, file)}: ${p}`));
      }
    }
    expect(objects).toBeGreaterThan(0);
    expect(problems).toEqual([]);
  });

  it("passes pulumi preview --policy-pack policies for the shipped stacks", async () => {
    for (const stack of ["local", ...TENANTS.map((id) => `${id}-local`)]) {
      await ok(["preview", "--stack", stack, "--policy-pack", "policies"]);
    }
  });

  it("fails the policy pack with opensearch-retention for a tenant over the environment's retention bound", async () => {
    // The tenant file is valid for its tier (7 days, starter allows more); this environment's policy
    // config caps starter retention at 3 days, so the mandatory policy must stop the preview.
    const acme = fs.readFileSync(path.join(project.dir, "tenants", "acme.yaml"), "utf8");
    fs.writeFileSync(path.join(project.dir, "tenants", "initech.yaml"), acme.replace(/^id: acme$/m, "id: initech"));
    const policyConfig = path.join(project.dir, "strict-retention.json");
    fs.writeFileSync(
      policyConfig,
      JSON.stringify({ "opensearch-retention": { maxRetentionDays: { starter: 3, standard: 3, enterprise: 3 } } }),
    );
    await initTenantStack("initech");
    const result = await project.pulumi([
      "preview", "--stack", "initech-local", "--policy-pack", "policies", "--policy-pack-config", policyConfig,
    ]);
    expect(result.code).not.toBe(0);
    expect(`${result.stdout}\n${result.stderr}`).toMatch(/opensearch-retention/);
    await ok(["stack", "rm", "initech-local", "--yes"]);
    fs.rmSync(path.join(project.dir, "tenants", "initech.yaml"));
  });

  it("logclaw fleet preview sees both tenant stacks unchanged", async () => {
    const result = await project.logclaw(["fleet", "preview", "--env", "local", "--concurrency", "2", "--pulumi-root", project.toolchain.root]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^acme\s+acme-local\s+ok\s+0\s/m);
    expect(result.stdout).toMatch(/^globex\s+globex-local\s+ok\s+0\s/m);
    expect(result.stdout).toContain("2 tenants, 2 succeeded, 0 failed, 0 changes");
  });

  it("logclaw fleet destroy and pulumi destroy leave no manifest and no resource behind", async () => {
    const fleet = await project.logclaw(["fleet", "destroy", "--env", "local", "--pulumi-root", project.toolchain.root]);
    expect(fleet.code, fleet.stderr).toBe(0);
    expect(fleet.stdout).toContain("2 tenants, 2 succeeded, 0 failed");
    await ok(["destroy", "--yes", "--skip-preview", "--stack", "local"]);

    expect(project.manifestFiles("rendered")).toEqual([]);
    for (const stack of ["local", ...TENANTS.map((id) => `${id}-local`)]) {
      const exported = JSON.parse(await ok(["stack", "export", "--stack", stack])) as { deployment: { resources?: unknown[] } };
      expect(exported.deployment.resources ?? [], stack).toEqual([]);
    }
  });
});
