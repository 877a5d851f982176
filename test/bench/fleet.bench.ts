import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { EngineProject, locateToolchain, repoRoot, shippedTenantsOn } from "../e2e/support/engine";

/**
 * `logclaw fleet preview` over 1, 10 and 50 render-only tenant stacks on the real engine: wall time
 * and peak memory (resident set of the whole process tree: the CLI, every pulumi and node child),
 * one JSON line per figure. The tenants are generated in a temporary copy of the project. A last
 * line compares the marginal cost per tenant from 1 to 10 and from 10 to 50 tenants: equal (within
 * a quarter) means preview cost grows linearly with the fleet.
 */

const SIZES = [1, 10, 50];
const CONCURRENCY = 4;
const SAMPLE_MS = 200;

function childrenOf(pid: number): number[] {
  try {
    return fs
      .readdirSync(`/proc/${pid}/task`)
      .flatMap((tid) => fs.readFileSync(`/proc/${pid}/task/${tid}/children`, "utf8").trim().split(/\s+/))
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

function rssKib(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

function treeRssKib(pid: number): number {
  return rssKib(pid) + childrenOf(pid).reduce((sum, child) => sum + treeRssKib(child), 0);
}

interface Measured {
  code: number;
  wallSeconds: number;
  peakMiB: number;
  stdout: string;
  stderr: string;
}

function measure(project: EngineProject, args: string[]): Promise<Measured> {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(process.execPath, [path.join(repoRoot, "runtime", "cli", "bin.js"), ...args], {
      cwd: project.dir,
      env: { ...process.env, ...project.env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, treeRssKib(child.pid ?? 0))), SAMPLE_MS);
    child.on("close", (code) => {
      clearInterval(sampler);
      resolve({ code: code ?? 1, wallSeconds: (performance.now() - started) / 1000, peakMiB: peak / 1024, stdout, stderr });
    });
  });
}

async function main(): Promise<void> {
  const located = locateToolchain();
  if ("unavailable" in located || located.toolchain.missing.length > 0) {
    const why = "unavailable" in located ? located.unavailable : `not built: ${located.toolchain.missing.join(", ")}`;
    process.stderr.write(`fleet bench skipped: Pulumi toolchain incomplete (${why})\n`);
    return;
  }
  const template = shippedTenantsOn("local")["acme"];
  const ids = Array.from({ length: Math.max(...SIZES) }, (_, i) => `bench-${String(i + 1).padStart(3, "0")}`);
  const tenants = Object.fromEntries(ids.map((id) => [id, template.replace(/^id: .*$/m, `id: ${id}`)]));
  const project = EngineProject.create(located.toolchain, tenants);
  try {
    await project.installPlugins();
    for (const args of [["stack", "init", "local"], ["up", "--yes", "--skip-preview", "--stack", "local"]]) {
      const result = await project.pulumi(args);
      if (result.code !== 0) throw new Error(`pulumi ${args.join(" ")}: ${result.stderr}`);
    }
    const walls = new Map<number, number>();
    for (const size of SIZES) {
      const selected = ids.slice(0, size);
      const args = ["fleet", "preview", "--env", "local", "--concurrency", String(CONCURRENCY), "--pulumi-root", located.toolchain.root, "--tenant", ...selected];
      const run = await measure(project, args);
      if (run.code !== 0) throw new Error(`fleet preview of ${size} tenants failed:\n${run.stdout}\n${run.stderr}`);
      walls.set(size, run.wallSeconds);
      const name = `fleet.preview.tenants_${size}`;
      process.stdout.write(`${JSON.stringify({ bench: `${name}.wall`, value: Number(run.wallSeconds.toFixed(2)), unit: "s", concurrency: CONCURRENCY })}\n`);
      process.stdout.write(`${JSON.stringify({ bench: `${name}.peak_rss`, value: Math.round(run.peakMiB), unit: "MiB", concurrency: CONCURRENCY })}\n`);
    }
    const [a, b, c] = SIZES;
    const early = (walls.get(b)! - walls.get(a)!) / (b - a);
    const late = (walls.get(c)! - walls.get(b)!) / (c - b);
    const ratio = late / early;
    const growth = ratio > 1.25 ? "superlinear" : ratio < 0.75 ? "sublinear" : "linear";
    process.stdout.write(
      `${JSON.stringify({ bench: "fleet.preview.growth", value: Number(ratio.toFixed(2)), unit: "ratio", growth, marginal_s_per_tenant: { [`${a}_${b}`]: Number(early.toFixed(2)), [`${b}_${c}`]: Number(late.toFixed(2)) } })}\n`,
    );
  } finally {
    project.dispose();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`fleet bench: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
