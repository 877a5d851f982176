import { execFile, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/**
 * The real Pulumi engine for end-to-end tests and benchmarks: the toolchain built by
 * `test/support/pulumi-toolchain.sh`, and a throwaway copy of the project on a local file backend.
 */

export const repoRoot = path.resolve(__dirname, "..", "..", "..");
const TOOLCHAIN_SCRIPT = path.join(repoRoot, "test", "support", "pulumi-toolchain.sh");
const BINARIES = ["pulumi", "pulumi-language-nodejs", "pulumi-resource-kubernetes", "pulumi-resource-random", "pulumi-analyzer-policy-nodejs"];

export interface Toolchain {
  binDir: string;
  /** Install root for the Automation API's PulumiCommand (holds bin/pulumi). */
  root: string;
  /** Binaries not built (a pinned module the proxy does not serve): empty when complete. */
  missing: string[];
}

/**
 * The toolchain as built by `npm run toolchain`, or why there is none. The Pulumi CLI alone already
 * checks the project layout, stack config and the fleet's stack handling; `up` and `preview` need
 * every binary.
 */
export function locateToolchain(): { toolchain: Toolchain } | { unavailable: string } {
  const result = spawnSync("bash", [TOOLCHAIN_SCRIPT, "--print-bin-dir"], { encoding: "utf8" });
  const binDir = result.stdout.trim();
  if (result.status !== 0 || !binDir) return { unavailable: `toolchain script failed: ${result.stderr.trim()}` };
  if (!fs.existsSync(path.join(binDir, "pulumi"))) return { unavailable: `no pulumi CLI in ${binDir} (npm run toolchain)` };
  const missing = BINARIES.filter((b) => !fs.existsSync(path.join(binDir, b)));
  return { toolchain: { binDir, root: path.dirname(binDir), missing } };
}

/** Set by CI when `npm run toolchain` completed: a suite that cannot run is then a failure. */
export const REQUIRE_ENGINE_ENV = "LOGCLAW_E2E_REQUIRE_ENGINE";

/**
 * The toolchain a suite runs on: `cli` needs the Pulumi CLI, `engine` every binary. Otherwise
 * undefined with one line on stderr (the suite skips), or, when REQUIRE_ENGINE_ENV is set, an
 * error: a skipped suite must not look like a pass.
 */
export function toolchainFor(suite: string, needs: "cli" | "engine"): Toolchain | undefined {
  const located = locateToolchain();
  let why: string | undefined;
  if ("unavailable" in located) why = located.unavailable;
  else if (needs === "engine" && located.toolchain.missing.length > 0) why = `not built: ${located.toolchain.missing.join(", ")}`;
  if (!why) return (located as { toolchain: Toolchain }).toolchain;
  if (process.env[REQUIRE_ENGINE_ENV]) throw new Error(`e2e: ${suite} cannot run although ${REQUIRE_ENGINE_ENV} is set (${why})`);
  process.stderr.write(`e2e: ${suite} skipped, Pulumi toolchain incomplete (${why})\n`);
  return undefined;
}

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Top-level entries not copied: dependencies are linked, tenants are written per test, and the rest
 * is neither loaded by a stack program nor by the policy pack. Everything else is copied, so every
 * run is isolated from the checkout (and the copy follows the layout as it changes).
 */
const NOT_COPIED = new Set([".git", "node_modules", "tenants", "test", "test-artifacts", "rendered", "dist"]);

/**
 * A copy of the project in a temp dir (node_modules linked), with its own tenants folder, a file
 * backend, PULUMI_HOME and passphrase; the engine never downloads anything.
 */
export class EngineProject {
  readonly dir: string;
  readonly stateDir: string;
  readonly env: Record<string, string>;

  private constructor(
    readonly toolchain: Toolchain,
    private readonly root: string,
  ) {
    this.dir = path.join(root, "project");
    this.stateDir = path.join(root, "state");
    const home = path.join(root, "pulumi-home");
    fs.mkdirSync(this.stateDir);
    fs.mkdirSync(home);
    this.env = {
      PATH: `${toolchain.binDir}${path.delimiter}${process.env.PATH ?? ""}`,
      PULUMI_HOME: home,
      PULUMI_BACKEND_URL: `file://${this.stateDir}`,
      PULUMI_CONFIG_PASSPHRASE: "logclaw-e2e-passphrase",
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      PULUMI_SKIP_CONFIRMATIONS: "true",
    };
  }

  /**
   * `tenants` maps a tenant id to its file's text (default: the shipped tenants on the `local`
   * environment).
   */
  static create(toolchain: Toolchain, tenants: Record<string, string> = shippedTenantsOn("local")): EngineProject {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "logclaw-engine-"));
    const project = new EngineProject(toolchain, root);
    fs.mkdirSync(project.dir);
    for (const entry of fs.readdirSync(repoRoot).filter((e) => !NOT_COPIED.has(e))) {
      fs.cpSync(path.join(repoRoot, entry), path.join(project.dir, entry), { recursive: true });
    }
    fs.symlinkSync(path.join(repoRoot, "node_modules"), path.join(project.dir, "node_modules"), "dir");
    project.writeTenants(tenants);
    return project;
  }

  writeTenants(tenants: Record<string, string>): void {
    const dir = path.join(this.dir, "tenants");
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir);
    for (const [id, text] of Object.entries(tenants)) fs.writeFileSync(path.join(dir, `${id}.yaml`), text);
  }

  /** Runs `pulumi ARGS` in the project; never throws on a non-zero exit. */
  pulumi(args: string[]): Promise<CommandResult> {
    return this.exec(path.join(this.toolchain.binDir, "pulumi"), [...args, "--non-interactive", "--color", "never"]);
  }

  /** Runs the `logclaw` CLI (through tsx) in the project with the engine's environment. */
  logclaw(args: string[]): Promise<CommandResult> {
    return this.exec(process.execPath, [path.join(repoRoot, "runtime", "cli", "bin.js"), ...args]);
  }

  exec(file: string, args: string[]): Promise<CommandResult> {
    return new Promise((resolve) => {
      execFile(
        file,
        args,
        { cwd: this.dir, env: { ...process.env, ...this.env }, maxBuffer: 256 * 1024 * 1024 },
        (err, stdout, stderr) => {
          const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
          resolve({ code, stdout, stderr });
        },
      );
    });
  }

  /** Installs the providers into PULUMI_HOME from the built binaries (no download). */
  async installPlugins(): Promise<void> {
    const lock = JSON.parse(fs.readFileSync(path.join(repoRoot, "package-lock.json"), "utf8")) as {
      packages: Record<string, { version: string }>;
    };
    for (const name of ["kubernetes", "random"]) {
      const version = lock.packages[`node_modules/@pulumi/${name}`].version;
      const file = path.join(this.toolchain.binDir, `pulumi-resource-${name}`);
      const result = await this.pulumi(["plugin", "install", "resource", name, version, "--file", file]);
      if (result.code !== 0) throw new Error(`plugin install ${name}: ${result.stderr}`);
    }
  }

  /** Every YAML manifest file under a directory of the project (recursive). */
  manifestFiles(relativeDir: string): string[] {
    const walk = (dir: string): string[] =>
      fs.existsSync(dir)
        ? fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
            const full = path.join(dir, e.name);
            return e.isDirectory() ? walk(full) : /\.ya?ml$/.test(e.name) ? [full] : [];
          })
        : [];
    return walk(path.join(this.dir, relativeDir));
  }

  /** The text of every file of the file backend's state (checkpoints, history, backups). */
  stateText(): string {
    const walk = (dir: string): string[] =>
      fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const full = path.join(dir, e.name);
        return e.isDirectory() ? walk(full) : [fs.readFileSync(full, "utf8")];
      });
    return walk(this.stateDir).join("\n");
  }

  dispose(): void {
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}

/** The shipped tenant files with their `environment` moved to `env`. */
export function shippedTenantsOn(env: string): Record<string, string> {
  const dir = path.join(repoRoot, "tenants");
  return Object.fromEntries(
    fs
      .readdirSync(dir)
      .filter((f) => f.endsWith(".yaml"))
      .map((f) => [f.replace(/\.yaml$/, ""), fs.readFileSync(path.join(dir, f), "utf8").replace(/^environment: .*$/m, `environment: ${env}`)]),
  );
}
