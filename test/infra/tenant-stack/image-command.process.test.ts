import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as k8s from "@pulumi/kubernetes";
import { beforeAll, describe, expect, it } from "vitest";
import { TenantStack } from "../../../infra/tenant-stack";
import { installMocks, settle, valueOf, type MockRecorder } from "../../support/pulumi-mocks";
import { exampleTenant, repoRoot } from "./fixtures";

/**
 * The TenantStack's bridge and ticketing Deployments override the image's entrypoint with
 * `command: ["logclaw", <role>]`; this checks runtime/Dockerfile puts a working `logclaw` on PATH.
 * No Docker here: the Dockerfile is read as text and the launcher runs with `/app` mapped onto the repo.
 */
type Container = { image: string; command?: string[] };

let mocks: MockRecorder;
const dockerfile = fs.readFileSync(path.join(repoRoot, "runtime", "Dockerfile"), "utf8");

/** Instructions of the last stage (the image that runs), continuation lines joined. */
function runStage(): string[] {
  const lines = dockerfile.replace(/\\\n/g, " ").split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));
  const from = lines.map((l) => l.startsWith("FROM ")).lastIndexOf(true);
  return lines.slice(from);
}

/** Maps a path of the build stage's /app onto the repository (`WORKDIR /app`, `COPY runtime ./runtime`). */
function repoPath(appPath: string): string {
  expect(dockerfile).toMatch(/^WORKDIR \/app$/m);
  expect(dockerfile).toMatch(/^COPY runtime \.\/runtime$/m);
  expect(appPath.startsWith("/app/runtime/")).toBe(true);
  return path.join(repoRoot, appPath.slice("/app/".length));
}

/** Runs the launcher as the image would (`logclaw ...args`), with `/app/...` requires resolved in the repo. */
function runLauncher(launcher: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const script = `
    const Module = require("node:module");
    const [root, launcher, ...args] = process.argv.slice(1);
    const resolve = Module._resolveFilename;
    Module._resolveFilename = function (request, ...rest) {
      return resolve.call(this, request.startsWith("/app/") ? root + request.slice(4) : request, ...rest);
    };
    process.argv = [process.execPath, "/usr/local/bin/logclaw", ...args];
    require(launcher);
  `;
  const run = spawnSync(process.execPath, ["-e", script, repoRoot, launcher, ...args], { cwd: repoRoot, encoding: "utf8" });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

let commands: string[][];

beforeAll(async () => {
  mocks = await installMocks();
  const stack = new TenantStack("acme", {
    tenant: exampleTenant("acme"),
    provider: new k8s.Provider("test-cluster", {}),
    ingressDomain: "dev.logclaw.example.com",
    secretStoreName: "logclaw",
    clusterIssuerName: "logclaw-selfsigned",
    grafanaUrl: "https://grafana.dev.logclaw.example.com",
    image: { tag: "0.1.0" },
  });
  await valueOf(stack.dashboardUrl);
  await settle();
  commands = mocks
    .ofType("kubernetes:apps/v1:Deployment")
    .flatMap((d) => (d.inputs.spec as { template: { spec: { containers: Container[] } } }).template.spec.containers)
    .filter((c) => c.image.startsWith("ghcr.io/logclaw/logclaw:"))
    .map((c) => c.command ?? []);
});

describe("runtime image runs the TenantStack's container commands", () => {
  it("the bridge and ticketing Deployments run `logclaw <role>`", () => {
    expect(commands.sort()).toEqual([
      ["logclaw", "bridge"],
      ["logclaw", "ticketing"],
    ]);
  });

  it("the run stage copies an executable `logclaw` launcher into a directory on its PATH", () => {
    const stage = runStage();
    expect(stage[0]).toMatch(/^FROM gcr\.io\/distroless\/nodejs20-debian12/);
    const pathEnv = stage.find((l) => l.startsWith("ENV PATH="))?.slice("ENV PATH=".length).split(":");
    const copy = stage.map((l) => /^COPY --from=build (\S+) (\S+)$/.exec(l)).find((m) => m && path.posix.basename(m[2]!) === "logclaw");
    expect(copy, "COPY of the logclaw launcher in the run stage").toBeTruthy();
    expect(pathEnv).toContain(path.posix.dirname(copy![2]!));
    expect(stage).toContain('ENTRYPOINT ["logclaw"]');

    const launcher = repoPath(copy![1]!);
    expect(fs.statSync(launcher).mode & 0o111).toBe(0o111);
    // Distroless has no shell and no /usr/bin/env: the interpreter must be the image's node itself.
    expect(fs.readFileSync(launcher, "utf8").split("\n")[0]).toBe("#!/nodejs/bin/node");
  });

  it("the image runs the built JavaScript: dist/ and the bin shim, no TypeScript sources", () => {
    const stage = runStage();
    const copied = stage.flatMap((l) => /^COPY --from=build (?:--chown=\S+ )?(\S+) /.exec(l)?.[1] ?? []);
    expect(copied).toContain("/app/dist");
    expect(copied).toContain("/app/runtime/cli/bin.js");
    expect(copied.filter((p) => p === "/app" || p === "/app/runtime" || p.endsWith(".ts"))).toEqual([]);
    expect(dockerfile).toMatch(/npm ci --no-audit --no-fund[\s\S]*test -f dist\/runtime\/cli\/main\.js[\s\S]*npm prune --omit=dev/);
  });

  it("the launcher starts the logclaw CLI with each Deployment's role", { timeout: 120_000 }, () => {
    const copy = runStage().map((l) => /^COPY --from=build (\S+) \S+\/logclaw$/.exec(l)).find(Boolean)!;
    for (const [, role] of commands) {
      const run = runLauncher(repoPath(copy[1]!), [role!, "--help"]);
      expect(run.stderr).toBe("");
      expect(run.status).toBe(0);
      expect(run.stdout).toContain(`Usage: logclaw ${role} [options]`);
    }
  });
});
