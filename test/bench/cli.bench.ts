import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";

/**
 * `npm run bench -- cli`: start-up of the `logclaw` binary as a user runs it (`node runtime/cli/bin.js`,
 * the built JavaScript in dist/): `--help`, `--version`, and `replay` of an empty input. Per command the
 * median wall time and the median CPU time (user + system, as the process itself counts it) of 15 runs;
 * on a shared machine the CPU time is the closer estimate of the wall time on an idle core.
 * Target: < 0.3 s wall on an idle core. One JSON line per figure.
 */
const repoRoot = resolve(__dirname, "..", "..");
const bin = join(repoRoot, "runtime", "cli", "bin.js");
const RUNS = 15;
const work = mkdtempSync(join(tmpdir(), "logclaw-cli-bench-"));
const empty = join(work, "empty.jsonl");
writeFileSync(empty, "");
// Reports the child's own CPU time on fd 3 when it exits.
const probe = join(work, "cpu-probe.js");
writeFileSync(probe, `process.on("exit", () => { const u = process.cpuUsage(); require("node:fs").writeSync(3, JSON.stringify(u)); });\n`);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const print = (bench: string, value: number, unit: string, target: string, extra: Record<string, unknown> = {}) =>
  process.stdout.write(`${JSON.stringify({ bench, value: Math.round(value * 1000) / 1000, unit, target, ...extra })}\n`);

// A first run builds dist/ when it is stale; it is not measured.
spawnSync(process.execPath, [bin, "--version"], { stdio: "ignore" });

for (const [name, args] of [
  ["help", ["--help"]],
  ["version", ["--version"]],
  ["replay_empty", ["replay", "--input", empty]],
] as const) {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    const r = spawnSync(process.execPath, ["--require", probe, bin, ...args], { stdio: ["ignore", "ignore", "ignore", "pipe"] });
    wall.push((performance.now() - start) / 1000);
    if (r.status !== 0) throw new Error(`logclaw ${args.join(" ")} exited ${r.status}`);
    const usage = JSON.parse(r.output[3]!.toString()) as { user: number; system: number };
    cpu.push((usage.user + usage.system) / 1e6);
  }
  print(`cli_start_${name}_wall`, median(wall), "s", "< 0.3 on an idle core", { runs: RUNS });
  print(`cli_start_${name}_cpu`, median(cpu), "s", "< 0.3", { runs: RUNS });
}
