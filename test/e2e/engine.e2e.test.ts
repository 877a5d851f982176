import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { retentionMinIndexAge } from "../../contracts/opensearch/retention";
import { validateManifest } from "../support/k8s-schemas";
import { EngineProject, toolchainFor } from "./support/engine";

/**
 * The real Pulumi engine on a local file backend: the render-only `local` environment stack, two
 * tenant stacks on it (starter acme, enterprise globex), the policy pack, `logclaw fleet` and
 * destroy. Needs `npm run toolchain`; skipped with a line on stderr when it is not built, and a
 * failure instead when CI built it (LOGCLAW_E2E_REQUIRE_ENGINE).
 */

const toolchain = toolchainFor("real-engine suite", "engine");

const TENANTS = ["acme", "globex"] as const;
const SHIPPED_STACKS = ["local", ...TENANTS.map((id) => `${id}-local`)];

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  [key: string]: unknown;
}

interface ExportedResource {
  type: string;
  urn: string;
}

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

  async function exported(stack: string): Promise<{ resources: ExportedResource[]; outputs: Record<string, unknown> }> {
    const deployment = (JSON.parse(await ok(["stack", "export", "--stack", stack])) as { deployment: { resources?: (ExportedResource & { outputs?: Record<string, unknown> })[] } }).deployment;
    const resources = deployment.resources ?? [];
    const stackResource = resources.find((r) => r.type === "pulumi:pulumi:Stack");
    return { resources, outputs: stackResource?.outputs ?? {} };
  }

  /** Every object of every rendered manifest file under `dir`, with the file it came from. */
  function renderedObjects(dir: string): { file: string; obj: Manifest }[] {
    return project.manifestFiles(dir).flatMap((file) =>
      parseAllDocuments(fs.readFileSync(file, "utf8"))
        .map((doc) => doc.toJS() as Manifest | null)
        .filter((obj): obj is Manifest => obj !== null)
        .map((obj) => ({ file: path.relative(project.dir, file), obj })),
    );
  }

  async function report(stack: string, dir: string): Promise<void> {
    const { resources } = await exported(stack);
    const files = project.manifestFiles(dir).length;
    process.stderr.write(`e2e: stack ${stack}: ${resources.length} resources in the state, ${files} rendered manifest files under ${dir}\n`);
  }

  beforeAll(async () => {
    if (!toolchain) return;
    project = EngineProject.create(toolchain);
    await project.installPlugins();
  });

  afterAll(() => project?.dispose());

  it("pulumi up of the local environment stack renders its manifests into rendered/local at the project root", async () => {
    await ok(["stack", "init", "local"]);
    await ok(["up", "--yes", "--skip-preview", "--stack", "local"]);
    const manifests = project.manifestFiles("rendered/local");
    expect(manifests.length).toBeGreaterThan(0);
    // Not next to `main` (stacks/), where the engine runs the program and its providers.
    expect(fs.existsSync(path.join(project.dir, "stacks", "rendered"))).toBe(false);
    const outputs = JSON.parse(await ok(["stack", "output", "--json", "--stack", "local"])) as Record<string, unknown>;
    expect(outputs.renderDirectory).toBe("rendered/local");
    await report("local", "rendered/local");
  });

  it("compiles the program with the project's strict tsconfig, as npm run typecheck does", async () => {
    // An implicitly-typed parameter is an error only under `strict` (TS7006).
    const file = path.join(project.dir, "stacks", "environment.ts");
    const original = fs.readFileSync(file, "utf8");
    fs.writeFileSync(file, `${original}\nexport function strictProbe(value) {\n  return value;\n}\n`);
    try {
      const result = await project.pulumi(["preview", "--stack", "local"]);
      expect(result.code).not.toBe(0);
      expect(`${result.stdout}\n${result.stderr}`).toMatch(/TS7006/);
    } finally {
      fs.writeFileSync(file, original);
    }
  });

  it("pulumi up of a starter and an enterprise tenant stack renders them with their outputs", async () => {
    for (const id of TENANTS) {
      await initTenantStack(id);
      await ok(["up", "--yes", "--skip-preview", "--stack", `${id}-local`]);
      expect(project.manifestFiles(`rendered/local/tenants/${id}`).length).toBeGreaterThan(0);

      const outputs = JSON.parse(await ok(["stack", "output", "--json", "--stack", `${id}-local`])) as Record<string, unknown>;
      for (const key of ["otlpHttpEndpoint", "otlpGrpcEndpoint", "dashboardUrl"]) {
        expect(typeof outputs[key], key).toBe("string");
        expect(outputs[key]).not.toBe("");
      }
      expect(outputs.apiKey).toBe("[secret]");
      await report(`${id}-local`, `rendered/local/tenants/${id}`);
    }
  });

  it("keeps the API key encrypted in the state", async () => {
    const state = project.stateText();
    for (const id of TENANTS) {
      const apiKey = (await ok(["stack", "output", "apiKey", "--show-secrets", "--stack", `${id}-local`])).trim();
      expect(apiKey.length).toBeGreaterThanOrEqual(16);
      expect(state.includes(apiKey), `${id}: plaintext API key in the state`).toBe(false);
      const { outputs } = await exported(`${id}-local`);
      // Pulumi's secret signature and the ciphertext, not the value.
      expect(outputs.apiKey).toMatchObject({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext: expect.any(String) });
    }
  });

  it("keeps every service password out of the state and the rendered manifests", async () => {
    for (const id of TENANTS) {
      const { resources } = await exported(`${id}-local`);
      // The ingestion API key (no `logclaw:apiKey` is set here) is the only value Pulumi generates.
      const generated = resources.filter((r) => r.type.startsWith("random:")).map((r) => r.urn.split("::").pop());
      expect(generated, id).toEqual([`${id}-secrets-api-key`]);
      const objects = renderedObjects(`rendered/local/tenants/${id}`).map((o) => o.obj);
      expect(objects.filter((o) => o.kind === "Secret").map((o) => o.metadata.name), id).toEqual(["logclaw-ingest-api-key"]);
      const generatedTargets = objects
        .filter((o) => o.kind === "ExternalSecret" && (o.spec as { dataFrom?: unknown }).dataFrom)
        .map((o) => (o.spec as { target: { name: string } }).target.name);
      expect(generatedTargets.sort(), id).toEqual(["logclaw-api-token", "opensearch-admin", "opensearch-logclaw-bridge", "opensearch-logclaw-ticketing"]);
      expect(objects.filter((o) => o.kind === "Password").length, id).toBe(1);
    }
  });

  it("renders only manifests that validate against the upstream CRDs and the Kubernetes schemas", () => {
    const objects = renderedObjects("rendered/local");
    const problems = objects.flatMap(({ file, obj }) => validateManifest(obj).map((p) => `${file}: ${p}`));
    const kinds = new Set(objects.map(({ obj }) => `${obj.apiVersion} ${obj.kind}`));
    process.stderr.write(`e2e: ${objects.length} rendered objects of ${kinds.size} kinds validated\n`);
    expect(objects.length).toBeGreaterThan(0);
    expect(problems).toEqual([]);
  });

  it("passes pulumi preview --policy-pack policies for the shipped stacks", async () => {
    for (const stack of SHIPPED_STACKS) {
      const out = await ok(["preview", "--stack", stack, "--policy-pack", "policies"]);
      expect(out, stack).not.toMatch(/mandatory/);
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
    try {
      await initTenantStack("initech");
      const result = await project.pulumi([
        "preview", "--stack", "initech-local", "--policy-pack", "policies", "--policy-pack-config", policyConfig,
      ]);
      expect(result.code).not.toBe(0);
      expect(`${result.stdout}\n${result.stderr}`).toMatch(/mandatory.*opensearch-retention|opensearch-retention.*mandatory/s);
    } finally {
      // The fleet tests below run over every tenant file of `local`.
      await project.pulumi(["stack", "rm", "initech-local", "--yes", "--force"]);
      fs.rmSync(path.join(project.dir, "tenants", "initech.yaml"));
    }
  });

  it("logclaw fleet preview sees both tenant stacks unchanged", async () => {
    const result = await project.logclaw(["fleet", "preview", "--env", "local", "--concurrency", "2", "--pulumi-root", project.toolchain.root]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^acme\s+acme-local\s+ok\s+0\s/m);
    expect(result.stdout).toMatch(/^globex\s+globex-local\s+ok\s+0\s/m);
    expect(result.stdout).toContain("2 tenants, 2 succeeded, 0 failed, 0 changes");
  });

  it("logclaw fleet up applies a tenant file change to its stack only", async () => {
    const file = path.join(project.dir, "tenants", "acme.yaml");
    const before = fs.readFileSync(file, "utf8");
    expect(before).toMatch(/^retentionDays: \d+$/m);
    fs.writeFileSync(file, before.replace(/^retentionDays: \d+$/m, "retentionDays: 5"));
    const result = await project.logclaw(["fleet", "up", "--env", "local", "--concurrency", "2", "--pulumi-root", project.toolchain.root]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^acme\s+acme-local\s+ok\s+[1-9]\d*\s/m);
    expect(result.stdout).toMatch(/^globex\s+globex-local\s+ok\s+0\s/m);
    // The policy's index age is the 5-day retention counted from receipt (plus the span an index can still receive records).
    const ism = renderedObjects("rendered/local/tenants/acme").filter(({ obj }) => obj.kind === "OpenSearchISMPolicy");
    expect(ism.length).toBeGreaterThan(0);
    for (const { obj } of ism) expect(JSON.stringify(obj)).toContain(`"${retentionMinIndexAge(5)}"`);
  });

  it("logclaw fleet destroy and pulumi destroy leave no manifest and no resource behind", async () => {
    const fleet = await project.logclaw(["fleet", "destroy", "--env", "local", "--pulumi-root", project.toolchain.root]);
    expect(fleet.code, fleet.stderr).toBe(0);
    expect(fleet.stdout).toContain("2 tenants, 2 succeeded, 0 failed");
    await ok(["destroy", "--yes", "--skip-preview", "--stack", "local"]);

    expect(project.manifestFiles("rendered")).toEqual([]);
    for (const stack of SHIPPED_STACKS) {
      expect((await exported(stack)).resources, stack).toEqual([]);
    }
  });
});
