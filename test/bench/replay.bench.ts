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
// on fd 3 as it exits; median of 3 runs each of the scenario file and of an empty file.
const bin = resolve(__dirname, "..", "..", "runtime", "cli", "bin.js");
const work = mkdtempSync(join(tmpdir(), "logclaw-replay-bench-"));
const inputFile = join(work, "scenario.jsonl");
const fd = openSync(inputFile, "w");
for (const line of lines) writeSync(fd, `${line}\n`);
closeSync(fd);
const emptyFile = join(work, "empty.jsonl");
writeFileSync(emptyFile, "");
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
cliCpuSeconds(emptyFile);
const startUp: number[] = [];
const whole: number[] = [];
for (let i = 0; i < 3; i++) {
  startUp.push(cliCpuSeconds(emptyFile));
  whole.push(cliCpuSeconds(inputFile));
}
const afterStartUp = median(whole) - median(startUp);
print("replay.cli_per_cpu_second_after_start_up", records / afterStartUp, "logs/s", ">=120000", {
  records,
  cpuSeconds: Math.round(median(whole) * 100) / 100,
  startUpCpuSeconds: Math.round(median(startUp) * 100) / 100,
  runs: whole.length,
});
rmSync(work, { recursive: true, force: true });
