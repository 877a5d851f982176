import { spawnSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { BridgePipeline } from "../../runtime/bridge";
import { createTemplateMiner } from "../../runtime/bridge/template";
import { generateScenario, toOtlpJsonLines } from "../../runtime/scenarios";

/**
 * `npm run bench` (replay): throughput of the full pipeline on OTLP/JSON lines (decode, normalize,
 * redact, template, score, correlate, lifecycle) on one core, p99 time from a record entering the
 * pipeline to its immediate-path incident, and peak memory. One JSON line per figure.
 *
 * Two throughput figures: the pipeline in this process (the input held in memory, compilation
 * included), and `logclaw replay --input <file>` as a user runs it, after start-up: the run's CPU
 * minus the CPU of replaying an empty file (Node.js, the modules, an empty pipeline), per record.
 */
const gc = (globalThis as { gc?: () => void }).gc;
const print = (bench: string, value: number, unit: string, target: string, extra: Record<string, unknown> = {}) =>
  process.stdout.write(`${JSON.stringify({ bench, value: Math.round(value * 1000) / 1000, unit, target, ...extra })}\n`);

// A realistic mix: traffic with traces, every noise kind and five failures, 30 minutes of event time.
const scenario = generateScenario({ seed: 20260105, durationMs: 30 * 60_000, requestsPerSecond: 30 });
const lines = toOtlpJsonLines(scenario.logs);
const records = scenario.logs.length;
scenario.logs.length = 0;
gc?.();

const baseRss = process.memoryUsage().rss;
let peakRss = baseRss;
let peakHeap = 0;
const pipeline = new BridgePipeline({ tenantId: "bench", miner: createTemplateMiner() });
let accepted = 0;
let incidents = 0;
const cpuStart = process.cpuUsage();
const start = performance.now();
for (let i = 0; i < lines.length; i++) {
  const r = pipeline.processOtlp(lines[i], "json", `bench:${i + 1}`);
  accepted += r.accepted;
  incidents += r.incidentEvents.filter((e) => e.type === "opened").length;
  if (i % 50 === 0) {
    const m = process.memoryUsage();
    if (m.rss > peakRss) peakRss = m.rss;
    if (m.heapUsed > peakHeap) peakHeap = m.heapUsed;
  }
}
incidents += pipeline.flush().incidentEvents.filter((e) => e.type === "opened").length;
const seconds = (performance.now() - start) / 1000;
const cpu = process.cpuUsage(cpuStart);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
if (accepted !== records) throw new Error(`replayed ${accepted} of ${records} records`);
print("replay.throughput", accepted / seconds, "logs/s", ">=120000", { records: accepted, seconds: Math.round(seconds * 100) / 100, incidents });
// On a shared machine wall time includes waiting for a core; per CPU-second is the one-core figure.
print("replay.throughput_per_cpu_second", accepted / cpuSeconds, "logs/s", ">=120000", { cpuSeconds: Math.round(cpuSeconds * 100) / 100 });

// Immediate path: one OOM record per batch into a warm pipeline, each on a service not yet failing.
const latencies: number[] = [];
const cpuLatencies: number[] = [];
const clock = scenario.endMs + 60_000;
for (let k = 0; k < 3000; k++) {
  const line = JSON.stringify({
    resourceLogs: [
      {
        resource: { attributes: [{ key: "service.name", value: { stringValue: `svc-${k}` } }] },
        scopeLogs: [
          {
            logRecords: [
              {
                timeUnixNano: `${clock + k}000000`,
                severityNumber: 21,
                body: { stringValue: `java.lang.OutOfMemoryError: Java heap space in worker ${k}` },
                traceId: (k + 1).toString(16).padStart(32, "0"),
              },
            ],
          },
        ],
      },
    ],
  });
  const c = process.cpuUsage();
  const t = performance.now();
  const r = pipeline.processOtlp(line, "json", "bench");
  const elapsed = performance.now() - t;
  const used = process.cpuUsage(c);
  if (!r.incidentEvents.some((e) => e.type === "opened")) throw new Error(`no immediate incident for record ${k}`);
  if (k >= 200) {
    latencies.push(elapsed);
    cpuLatencies.push((used.user + used.system) / 1000);
  }
}
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];
print("replay.immediate_incident_latency_p99", quantile(latencies, 0.99), "ms", "<1", {
  p50: Math.round(quantile(latencies, 0.5) * 1000) / 1000,
  samples: latencies.length,
});
print("replay.immediate_incident_cpu_time_p99", quantile(cpuLatencies, 0.99), "ms", "<1", { p50: Math.round(quantile(cpuLatencies, 0.5) * 1000) / 1000 });

const m = process.memoryUsage();
peakRss = Math.max(peakRss, m.rss);
print("replay.peak_rss", peakRss / 1024 / 1024, "MiB", "report", { inputHeldInMemoryMiB: Math.round(baseRss / 1024 / 1024) });
print("replay.peak_heap_used", Math.max(peakHeap, m.heapUsed) / 1024 / 1024, "MiB", "report");

// `logclaw replay` as a user runs it (runtime/cli/bin.js, the built dist/), its own CPU time reported
// on fd 3 as it exits; medians of 3 runs each of an empty file, the scenario's first quarter and the
// whole scenario. Two figures:
// - after process start-up: the whole run's CPU minus the empty file's (Node.js, the modules, an
//   empty pipeline); it still carries the pipeline's warm-up (compilation, first templates), so it
//   depends on the input's length;
// - steady state: the CPU the last three quarters add over the first quarter, per record they add,
//   i.e. what a record costs once the process is warm, whatever the input's length.
const bin = resolve(__dirname, "..", "..", "runtime", "cli", "bin.js");
const work = mkdtempSync(join(tmpdir(), "logclaw-replay-bench-"));
function writeLines(name: string, content: readonly string[]): string {
  const file = join(work, name);
  const fd = openSync(file, "w");
  for (const line of content) writeSync(fd, `${line}\n`);
  closeSync(fd);
  return file;
}
const quarter = Math.floor(lines.length / 4);
const recordsIn = (line: string) =>
  (JSON.parse(line) as { resourceLogs: { scopeLogs: { logRecords: unknown[] }[] }[] }).resourceLogs.reduce(
    (n, rl) => n + rl.scopeLogs.reduce((k, sl) => k + sl.logRecords.length, 0),
    0,
  );
const quarterRecords = lines.slice(0, quarter).reduce((n, line) => n + recordsIn(line), 0);
const inputs = { empty: writeLines("empty.jsonl", []), quarter: writeLines("quarter.jsonl", lines.slice(0, quarter)), whole: writeLines("whole.jsonl", lines) };
const probe = join(work, "cpu-probe.js");
writeFileSync(probe, `process.on("exit", () => { const u = process.cpuUsage(); require("node:fs").writeSync(3, JSON.stringify(u)); });\n`);
function cliCpuSeconds(input: string): number {
  const r = spawnSync(process.execPath, ["--require", probe, bin, "replay", "--input", input], { stdio: ["ignore", "ignore", "ignore", "pipe"] });
  if (r.status !== 0) throw new Error(`logclaw replay --input ${input} exited ${r.status ?? r.signal}`);
  const usage = JSON.parse(r.output[3]!.toString()) as { user: number; system: number };
  return (usage.user + usage.system) / 1e6;
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
// The first run builds dist/ when it is stale; it is not measured.
cliCpuSeconds(inputs.empty);
const runs = { empty: [] as number[], quarter: [] as number[], whole: [] as number[] };
for (let i = 0; i < 3; i++) for (const k of ["empty", "quarter", "whole"] as const) runs[k].push(cliCpuSeconds(inputs[k]));
const cli = { empty: median(runs.empty), quarter: median(runs.quarter), whole: median(runs.whole) };
const r2 = (x: number) => Math.round(x * 100) / 100;
print("replay.cli_per_cpu_second_after_start_up", records / (cli.whole - cli.empty), "logs/s", "report", {
  records,
  cpuSeconds: r2(cli.whole),
  startUpCpuSeconds: r2(cli.empty),
  runs: 3,
});
print("replay.cli_per_cpu_second_steady", (records - quarterRecords) / (cli.whole - cli.quarter), "logs/s", ">=120000", {
  records: records - quarterRecords,
  cpuSeconds: r2(cli.whole - cli.quarter),
  firstQuarter: { records: quarterRecords, cpuSeconds: r2(cli.quarter) },
  runs: 3,
});
rmSync(work, { recursive: true, force: true });
