import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EngineProject, toolchainFor } from "./support/engine";

/**
 * The real Pulumi CLI (no language host needed) on a copy of the project and a local file backend:
 * Pulumi.yaml and the shipped stack config files load, secret config is encrypted, and `logclaw
 * fleet` creates, configures and selects tenant stacks through the Automation API.
 */

const toolchain = toolchainFor("CLI suite", "cli");

describe.skipIf(!toolchain)("the real Pulumi CLI on the project", () => {
  let project: EngineProject;

  async function ok(args: string[]): Promise<string> {
    const result = await project.pulumi(args);
    expect(result.code, `pulumi ${args.join(" ")}\n${result.stdout}\n${result.stderr}`).toBe(0);
    return result.stdout;
  }

  async function config(stack: string): Promise<Record<string, { value?: unknown; secret: boolean }>> {
    return JSON.parse(await ok(["config", "--json", "--stack", stack])) as Record<string, { value?: unknown; secret: boolean }>;
  }

  beforeAll(() => {
    if (toolchain) project = EngineProject.create(toolchain);
  });

  afterAll(() => project?.dispose());

  it("loads Pulumi.yaml and every shipped stack config file", async () => {
    const stacks = fs
      .readdirSync(path.join(project.dir, "stacks"))
      .flatMap((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1] ?? []);
    expect(stacks).toContain("local");
    for (const stack of stacks) {
      await ok(["stack", "init", stack]);
      const values = await config(stack);
      expect(Object.keys(values).some((k) => k.startsWith("logclaw:")), stack).toBe(true);
      const tenant = values["logclaw:tenant"]?.value;
      if (typeof tenant === "string") {
        expect(fs.existsSync(path.join(project.dir, "tenants", `${tenant}.yaml`)), `${stack}: tenants/${tenant}.yaml`).toBe(true);
        expect(values["logclaw:environmentStack"]?.value, stack).toMatch(/^organization\/logclaw\/[a-z0-9-]+$/);
      }
    }
  });

  it("keeps secret config encrypted in the stack file", async () => {
    const plaintext = "lc-e2e-api-key-6f1d2b9a";
    await ok(["config", "set", "--secret", "logclaw:apiKey", plaintext, "--stack", "local"]);
    const file = fs.readFileSync(path.join(project.dir, "stacks", "Pulumi.local.yaml"), "utf8");
    expect(file).not.toContain(plaintext);
    expect(file).toMatch(/logclaw:apiKey:\s+secure: /);
    expect((await ok(["config", "get", "logclaw:apiKey", "--stack", "local"])).trim()).toBe(plaintext);
    await ok(["config", "rm", "logclaw:apiKey", "--stack", "local"]);
  });

  it("logclaw fleet destroy reports tenant stacks that do not exist as absent and succeeds", async () => {
    const result = await project.logclaw(["fleet", "destroy", "--env", "local", "--pulumi-root", project.toolchain.root]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^acme\s+acme-local\s+absent\s/m);
    expect(result.stdout).toMatch(/^globex\s+globex-local\s+absent\s/m);
  });

  it("logclaw fleet preview creates <tenant>-<env> stacks configured from the tenant files", async () => {
    const result = await project.logclaw(["fleet", "preview", "--env", "local", "--concurrency", "2", "--pulumi-root", project.toolchain.root]);
    // Without the language host the previews themselves fail; the stacks and their config are made first.
    expect(result.stdout).toMatch(/^acme\s+acme-local\s+(ok|failed)\s/m);
    expect(result.stdout).toMatch(/^globex\s+globex-local\s+(ok|failed)\s/m);
    const listed = (JSON.parse(await ok(["stack", "ls", "--json"])) as { name: string }[]).map((s) => s.name);
    expect(listed).toEqual(expect.arrayContaining(["acme-local", "globex-local"]));
    for (const id of ["acme", "globex"]) {
      const values = await config(`${id}-local`);
      expect(values["logclaw:tenant"]?.value).toBe(id);
      expect(values["logclaw:environmentStack"]?.value).toBe("organization/logclaw/local");
    }
  });
});
