import { performance } from "node:perf_hooks";
import { BridgePipeline } from "../../runtime/bridge";
import { createTemplateMiner } from "../../runtime/bridge/template";
import { generateScenario, toOtlpJsonLines } from "../../runtime/scenarios";
import { jitter, request, toRequest, type SpanSpec } from "../runtime/bridge/span-requests";

/**
 * `npm run bench -- replay` (traces): the full pipeline on a stream mixing log and trace requests in
 * event time, as `logclaw replay` reads it: records + spans per CPU-second, what a span costs next to
 * a log record (the mixed pass's CPU beyond a logs-only pass over the same logs in the same process),
 * and peak memory of the mixed pass. One JSON line per figure.
 *
 * Traces: every request at the scenario's rate gets a 5-span trace (gateway -> orders -> stock,
 * test/runtime/bridge/span-requests.ts), one traces request per second of event time.
 */
const gc = (globalThis as { gc?: () => void }).gc;
const print = (bench: string, value: number, unit: string, target: string, extra: Record<string, unknown> = {}) =>
  process.stdout.write(`${JSON.stringify({ bench, value: Math.round(value * 1000) / 1000, unit, target, ...extra })}\n`);

const RPS = 30;
const scenario = generateScenario({ seed: 20260105, durationMs: 30 * 60_000, requestsPerSecond: RPS });
const logLines = toOtlpJsonLines(scenario.logs);
const records = scenario.logs.length;
scenario.logs.length = 0;

/** A log request's event time: its first record's (requests are packed per second). */
const TIME = /"timeUnixNano":"(\d+)"/;
const timeOfLogLine = (line: string) => Number(TIME.exec(line)?.[1]?.slice(0, -6) ?? 0);

const traceLines: { atMs: number; line: string }[] = [];
let spans = 0;
for (let second = Math.floor(scenario.startMs / 1000) * 1000; second < scenario.endMs; second += 1000) {
  const batch: SpanSpec[] = [];
  for (let r = 0; r < RPS; r++) {
    const i = second / 1000 + r;
    batch.push(...request(second + (r * 1000) / RPS, 3 + jitter(i), 4 + 2 * jitter(i + 7)));
  }
  spans += batch.length;
  traceLines.push({ atMs: second + 999, line: JSON.stringify(toRequest(batch)) });
}

/** Logs and traces merged in event time: a traces request goes in once the logs up to its second are in. */
const mixed: { traces: boolean; line: string }[] = [];
let t = 0;
for (const line of logLines) {
  const at = timeOfLogLine(line);
  while (t < traceLines.length && traceLines[t]!.atMs < at) mixed.push({ traces: true, line: traceLines[t++]!.line });
  mixed.push({ traces: false, line });
}
while (t < traceLines.length) mixed.push({ traces: true, line: traceLines[t++]!.line });
gc?.();

function cpuSecondsOf(run: () => number): { cpuSeconds: number; accepted: number; seconds: number } {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const accepted = run();
  const used = process.cpuUsage(cpu);
  return { cpuSeconds: (used.user + used.system) / 1e6, accepted, seconds: (performance.now() - start) / 1000 };
}

// Logs only, the baseline of the per-item cost.
const logsOnly = cpuSecondsOf(() => {
  const pipeline = new BridgePipeline({ tenantId: "bench", miner: createTemplateMiner() });
  let accepted = 0;
  for (let i = 0; i < logLines.length; i++) accepted += pipeline.processOtlp(logLines[i]!, "json", `bench:${i + 1}`).accepted;
  return accepted + pipeline.flush().accepted;
});
if (logsOnly.accepted !== records) throw new Error(`logs-only pass accepted ${logsOnly.accepted} of ${records} records`);
gc?.();

const baseRss = process.memoryUsage().rss;
let peakRss = baseRss;
let peakHeap = 0;
const withTraces = cpuSecondsOf(() => {
  const pipeline = new BridgePipeline({ tenantId: "bench", miner: createTemplateMiner() });
  let accepted = 0;
  for (let i = 0; i < mixed.length; i++) {
    const { traces, line } = mixed[i]!;
    accepted += (traces ? pipeline.processTraces(line, "json", `bench:${i + 1}`) : pipeline.processOtlp(line, "json", `bench:${i + 1}`)).accepted;
    if (i % 50 === 0) {
      const m = process.memoryUsage();
      if (m.rss > peakRss) peakRss = m.rss;
      if (m.heapUsed > peakHeap) peakHeap = m.heapUsed;
    }
  }
  return accepted + pipeline.flush().accepted;
});
if (withTraces.accepted !== records + spans) throw new Error(`mixed pass accepted ${withTraces.accepted} of ${records} records + ${spans} spans`);

print("replay.logs_only.records_per_cpu_second", records / logsOnly.cpuSeconds, "logs/s", "report", { records, cpuSeconds: Math.round(logsOnly.cpuSeconds * 100) / 100 });
print("replay.with_traces.items_per_cpu_second", withTraces.accepted / withTraces.cpuSeconds, "records+spans/s", "report", {
  records,
  spans,
  cpuSeconds: Math.round(withTraces.cpuSeconds * 100) / 100,
  wallSeconds: Math.round(withTraces.seconds * 100) / 100,
});
// What a span costs next to a record: the mixed pass's CPU beyond the logs-only pass, per span.
const perRecordUs = (logsOnly.cpuSeconds / records) * 1e6;
const perSpanUs = ((withTraces.cpuSeconds - logsOnly.cpuSeconds) / spans) * 1e6;
print("replay.with_traces.cpu_per_span", perSpanUs, "µs", "report", { perRecordUs: Math.round(perRecordUs * 100) / 100 });
print("replay.with_traces.peak_rss", Math.max(peakRss, process.memoryUsage().rss) / 1024 / 1024, "MiB", "report", { inputHeldInMemoryMiB: Math.round(baseRss / 1024 / 1024) });
print("replay.with_traces.peak_heap_used", peakHeap / 1024 / 1024, "MiB", "report");
