/**
 * Sustained OTLP/HTTP log ingest into local mode: a real `logclaw start` in its own process per run,
 * fed by keep-alive clients for `LOGCLAW_BENCH_INGEST_SECONDS` (default 30) each, in four runs:
 * OTLP/JSON and OTLP/protobuf, 4 and 16 clients. A request holds 512 records (the OpenTelemetry SDK's
 * `BatchLogRecordProcessor` default `maxExportBatchSize`), uncompressed (the SDK exporters' default),
 * grouped by service as an exporter groups them by resource: the scenario generator's microservice
 * traffic, shifted forward in event time on every lap so each record is new.
 *
 * Requests are encoded once before the clock starts; a lap only rewrites the timestamps (fixed64 in
 * protobuf, patched in place), so the clients cost little of the shared CPU. A client answered 503
 * waits `Retry-After` and sends the same request again, as an OTLP exporter does.
 *
 * Figures, one JSON line per run and figure:
 * - `local.ingest.throughput`: records acknowledged per second (wall clock; the 1-minute load
 *   average is printed beside it because the machine is shared),
 * - `local.ingest.cpu_per_record`: the server's CPU time (user + system) per acknowledged record,
 *   the figure that does not depend on what else the machine runs, and (`by_thread_us`) its split
 *   by thread: the event loop, the log writer thread, V8's and libuv's helpers,
 * - `local.ingest.client_cpu_per_record`: this process's (the clients') CPU per record, which shares
 *   the machine's cores with the server,
 * - `local.ingest.peak_rss`: peak resident memory of the local-mode process,
 * - `local.ingest.lost`: acknowledged records that `/api/logs` does not count afterwards (must be 0),
 * - `local.shutdown.flush`: SIGTERM to exit (flush, state save, close).
 * Then one summary line per run on stderr.
 *
 * `LOGCLAW_BENCH_INGEST_RUNS` (e.g. `protobuf:4`) keeps some runs; `LOGCLAW_BENCH_NODE_ARGS` is
 * passed to the server's node (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile it).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { Agent, request } from "node:http";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { generateScenario } from "../../runtime/scenarios/generate";
import type { ScenarioLog } from "../../runtime/scenarios/types";
import { freePort } from "../runtime/services/local/harness";

type Encoding = "json" | "protobuf";
interface Run {
  encoding: Encoding;
  clients: number;
}

const DURATION_MS = Number(process.env.LOGCLAW_BENCH_INGEST_SECONDS ?? 30) * 1000;
/** The OpenTelemetry SDK's BatchLogRecordProcessor default maxExportBatchSize. */
const RECORDS_PER_REQUEST = 512;
const ALL_RUNS: readonly Run[] = [
  { encoding: "protobuf", clients: 4 },
  { encoding: "protobuf", clients: 16 },
  { encoding: "json", clients: 4 },
  { encoding: "json", clients: 16 },
];
const CONTENT_TYPE: Record<Encoding, string> = { json: "application/json", protobuf: "application/x-protobuf" };
const repoRoot = resolve(__dirname, "..", "..");

// The protobufjs code @opentelemetry/otlp-transformer ships, generated from the upstream .proto files.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const generatedRoot = require("@opentelemetry/otlp-transformer/build/src/generated/root") as {
  opentelemetry: { proto: { collector: { logs: { v1: { ExportLogsServiceRequest: { fromObject(o: unknown): unknown; encode(m: unknown): { finish(): Uint8Array } } } } } } };
};
const PbRequest = generatedRoot.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;

/** One request, encoded once; `at(shiftMs)` is its body with every timestamp moved by `shiftMs`. */
interface EncodedRequest {
  records: number;
  at(shiftMs: number): Buffer;
}

function groupByService(logs: readonly ScenarioLog[]): Map<string, ScenarioLog[]> {
  const byService = new Map<string, ScenarioLog[]>();
  for (const log of logs) {
    const list = byService.get(log.service);
    if (list) list.push(log);
    else byService.set(log.service, [log]);
  }
  return byService;
}

function attributesOf(r: ScenarioLog): { key: string; value: Record<string, unknown> }[] {
  return Object.entries(r.attributes).map(([key, v]) => ({
    key,
    value: typeof v === "number" ? (Number.isInteger(v) ? { intValue: v } : { doubleValue: v }) : typeof v === "boolean" ? { boolValue: v } : { stringValue: String(v) },
  }));
}

function resourceOf(service: string): { attributes: { key: string; value: { stringValue: string } }[] } {
  const attrs: Record<string, string> = { "service.name": service, "service.version": "1.4.0", "deployment.environment.name": "prod", "host.name": `node-${service.length % 5}`, "telemetry.sdk.language": "nodejs", "telemetry.sdk.name": "opentelemetry" };
  return { attributes: Object.entries(attrs).map(([key, stringValue]) => ({ key, value: { stringValue } })) };
}

/** OTLP/JSON with each timestamp as a hole, so a lap is a join of fixed parts and new numbers. */
function encodeJson(logs: readonly ScenarioLog[]): EncodedRequest {
  const HOLE = "@@time@@";
  const times: number[] = [];
  const hole = (ms: number): string => {
    times.push(ms);
    return HOLE;
  };
  const text = JSON.stringify({
    resourceLogs: [...groupByService(logs)].map(([service, records]) => ({
      resource: resourceOf(service),
      scopeLogs: [
        {
          scope: { name: "bench" },
          logRecords: records.map((r) => ({
            timeUnixNano: hole(r.timeMs),
            observedTimeUnixNano: hole(r.timeMs + 3),
            severityNumber: r.severityNumber,
            severityText: r.severityText,
            body: { stringValue: r.body },
            ...(r.traceId ? { traceId: r.traceId, spanId: r.spanId ?? "" } : {}),
            attributes: attributesOf(r).map((a) => ({ key: a.key, value: "intValue" in a.value ? { intValue: String(a.value.intValue) } : a.value })),
          })),
        },
      ],
    })),
  });
  const parts = text.split(`"${HOLE}"`);
  return {
    records: logs.length,
    at: (shiftMs) => {
      let out = parts[0]!;
      for (let i = 0; i < times.length; i++) out += `"${times[i]! + shiftMs}000000"${parts[i + 1]!}`;
      return Buffer.from(out);
    },
  };
}

/** OTLP/protobuf; `time_unix_nano` and `observed_time_unix_nano` are fixed64, rewritten in a copy. */
function encodeProtobuf(logs: readonly ScenarioLog[]): EncodedRequest {
  const times: bigint[] = [];
  const nanos = (ms: number): bigint => {
    const ns = BigInt(ms) * 1_000_000n;
    times.push(ns);
    return ns;
  };
  const message = PbRequest.fromObject({
    resourceLogs: [...groupByService(logs)].map(([service, records]) => ({
      resource: resourceOf(service),
      scopeLogs: [
        {
          scope: { name: "bench" },
          logRecords: records.map((r) => ({
            timeUnixNano: nanos(r.timeMs).toString(),
            observedTimeUnixNano: nanos(r.timeMs + 3).toString(),
            severityNumber: r.severityNumber,
            severityText: r.severityText,
            body: { stringValue: r.body },
            ...(r.traceId ? { traceId: Buffer.from(r.traceId, "hex"), spanId: Buffer.from(r.spanId ?? "", "hex") } : {}),
            attributes: attributesOf(r),
          })),
        },
      ],
    })),
  });
  const body = Buffer.from(PbRequest.encode(message).finish());
  // Each timestamp follows its tag byte (field 1 or 11, wire type 1) in record order.
  const offsets: number[] = [];
  let from = 0;
  for (const ns of times) {
    const needle = Buffer.alloc(8);
    needle.writeBigUInt64LE(ns);
    const at = body.indexOf(needle, from);
    if (at < 0) throw new Error("bench: timestamp not found in the encoded request");
    offsets.push(at);
    from = at + 8;
  }
  return {
    records: logs.length,
    at: (shiftMs) => {
      const copy = Buffer.from(body);
      const shift = BigInt(shiftMs) * 1_000_000n;
      for (let i = 0; i < offsets.length; i++) copy.writeBigUInt64LE(times[i]! + shift, offsets[i]!);
      return copy;
    },
  };
}

function statCpuSeconds(path: string): number {
  // Fields 14 and 15 of a stat file (after the command in parentheses): utime, stime in clock ticks (100 Hz).
  const stat = readFileSync(path, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function cpuSeconds(pid: number): number {
  return statCpuSeconds(`/proc/${pid}/stat`);
}

/**
 * CPU seconds per thread of a process, keyed by thread name and id: the event loop is the thread
 * whose id is the process id; the others (all named after the executable) are the log writer
 * thread, V8's compiler and garbage-collector helpers and libuv's pool.
 */
function threadCpuSeconds(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const name = readFileSync(`/proc/${pid}/task/${tid}/comm`, "utf8").trim();
      out.set(`${tid === String(pid) ? "event-loop" : name}#${tid}`, statCpuSeconds(`/proc/${pid}/task/${tid}/stat`));
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return out;
}

/** CPU per record of the event loop, of the busiest other thread (the log writer) and of the rest together. */
function cpuByThread(before: Map<string, number>, after: Map<string, number>, records: number): Record<string, number> {
  const used = [...after].map(([key, seconds]) => ({ key, seconds: seconds - (before.get(key) ?? 0) }));
  const loop = used.find((u) => u.key.startsWith("event-loop#"));
  const others = used.filter((u) => u !== loop).sort((a, b) => b.seconds - a.seconds);
  const us = (seconds: number): number => Number(((seconds / records) * 1e6).toFixed(1));
  return {
    "event-loop": us(loop?.seconds ?? 0),
    "busiest-other": us(others[0]?.seconds ?? 0),
    rest: us(others.slice(1).reduce((sum, u) => sum + u.seconds, 0)),
  };
}

function rssMib(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

interface Answer {
  status: number;
  retryAfterS: number;
}

function post(agent: Agent, port: number, encoding: Encoding, body: Buffer): Promise<Answer> {
  return new Promise((done, fail) => {
    const req = request({ host: "127.0.0.1", port, path: "/v1/logs", method: "POST", agent, headers: { "content-type": CONTENT_TYPE[encoding], "content-length": body.length } }, (res) => {
      res.resume();
      res.on("end", () => done({ status: res.statusCode ?? 0, retryAfterS: Number(res.headers["retry-after"] ?? 1) }));
    });
    req.on("error", fail);
    req.end(body);
  });
}

async function waitForHealth(url: string, child: ChildProcess): Promise<void> {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`local mode exited with ${child.exitCode}`);
    const ok = await fetch(url).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function storedCount(port: number): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${port}/api/logs?limit=1`);
  if (!res.ok) throw new Error(`/api/logs answered ${res.status}`);
  return ((await res.json()) as { total: number }).total;
}

interface RunResult {
  run: Run;
  records: number;
  seconds: number;
  cpuSeconds: number;
  peakRssMib: number;
  stored: number;
  refused: number;
  flushMs: number;
  loadavg1m: number;
  requestBytes: number;
  /** Server CPU per record (µs) by thread. */
  threads: Record<string, number>;
  /** CPU of this process (the clients) over the run. */
  clientCpuSeconds: number;
}

async function measure(run: Run, requests: readonly EncodedRequest[], lapMs: number): Promise<RunResult> {
  const dir = mkdtempSync(join(tmpdir(), "logclaw-bench-"));
  const [port, httpPort, grpcPort] = [await freePort(), await freePort(), await freePort()];
  const nodeArgs = (process.env.LOGCLAW_BENCH_NODE_ARGS ?? "").split(" ").filter(Boolean);
  const child = spawn(
    process.execPath,
    [...nodeArgs, join(repoRoot, "runtime/cli/bin.js"), "start", "--data", join(dir, "data"), "--port", String(port), "--otlp-http-port", String(httpPort), "--otlp-grpc-port", String(grpcPort), "--log-level", "warn"],
    { stdio: ["ignore", "ignore", "inherit"] },
  );
  try {
    await waitForHealth(`http://127.0.0.1:${port}/healthz`, child);
    const pid = child.pid!;
    let peakRss = rssMib(pid);
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssMib(pid))), 200);
    const agent = new Agent({ keepAlive: true, maxSockets: run.clients });
    let next = 0;
    let records = 0;
    let refused = 0;
    const cpuBefore = cpuSeconds(pid);
    const threadsBefore = threadCpuSeconds(pid);
    const clientCpuBefore = process.cpuUsage();
    const started = Date.now();
    const deadline = started + DURATION_MS;
    await Promise.all(
      Array.from({ length: run.clients }, async () => {
        while (Date.now() < deadline) {
          const n = next++;
          const encoded = requests[n % requests.length]!;
          const body = encoded.at(Math.floor(n / requests.length) * lapMs);
          for (;;) {
            const answer = await post(agent, httpPort, run.encoding, body);
            if (answer.status === 200) break;
            if (answer.status !== 503) throw new Error(`a request was answered ${answer.status}`);
            refused += 1;
            await new Promise((r) => setTimeout(r, answer.retryAfterS * 1000));
          }
          records += encoded.records;
        }
      }),
    );
    const seconds = (Date.now() - started) / 1000;
    const cpu = cpuSeconds(pid) - cpuBefore;
    const threads = cpuByThread(threadsBefore, threadCpuSeconds(pid), records);
    const clientUsage = process.cpuUsage(clientCpuBefore);
    const clientCpuSeconds = (clientUsage.user + clientUsage.system) / 1e6;
    clearInterval(sampler);
    agent.destroy();
    const loadavg1m = Number(loadavg()[0]!.toFixed(1));
    const stored = await storedCount(port);
    const stopStarted = Date.now();
    const exited = new Promise<void>((done) => child.once("exit", () => done()));
    child.kill("SIGTERM");
    await exited;
    const flushMs = Date.now() - stopStarted;
    const requestBytes = Math.round(requests.reduce((sum, r) => sum + r.at(0).length, 0) / requests.length);
    return { run, records, seconds, cpuSeconds: cpu, peakRssMib: peakRss, stored, refused, flushMs, loadavg1m, requestBytes, threads, clientCpuSeconds };
  } finally {
    if (child.exitCode === null) child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  }
}

function selectedRuns(): Run[] {
  const filter = process.env.LOGCLAW_BENCH_INGEST_RUNS;
  if (!filter) return [...ALL_RUNS];
  const wanted = filter.split(",").map((s) => s.trim());
  const runs = ALL_RUNS.filter((r) => wanted.includes(`${r.encoding}:${r.clients}`));
  if (runs.length === 0) throw new Error(`LOGCLAW_BENCH_INGEST_RUNS=${filter}: expected e.g. protobuf:4,json:16`);
  return runs;
}

async function main(): Promise<void> {
  const scenario = generateScenario({ seed: 11, startMs: Date.now() - 3_600_000, durationMs: 60 * 60_000, requestsPerSecond: 25 });
  const lapMs = scenario.endMs - scenario.startMs;
  // A record sent twice is one document (its id hashes the record): the scenario's few identical
  // records (same service, time, body and attributes) are sent once, so acknowledged = stored holds.
  const seen = new Set<string>();
  const logs = scenario.logs.filter((l) => {
    const key = JSON.stringify([l.service, l.timeMs, l.severityNumber, l.severityText, l.body, l.traceId, l.spanId, l.attributes]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const chunks: ScenarioLog[][] = [];
  for (let i = 0; i + RECORDS_PER_REQUEST <= logs.length; i += RECORDS_PER_REQUEST) chunks.push(logs.slice(i, i + RECORDS_PER_REQUEST));
  const summaries: string[] = [];
  let failed = false;
  for (const run of selectedRuns()) {
    const requests = chunks.map(run.encoding === "json" ? encodeJson : encodeProtobuf);
    const r = await measure(run, requests, lapMs);
    const tags = { encoding: run.encoding, clients: run.clients, records_per_request: RECORDS_PER_REQUEST, request_bytes: r.requestBytes };
    const rate = Math.round(r.records / r.seconds);
    const cpuUs = (r.cpuSeconds / r.records) * 1e6;
    const lost = r.records - r.stored;
    const lines = [
      { bench: "local.ingest.throughput", value: rate, unit: "logs/s", target: run.encoding === "protobuf" && run.clients === 4 ? ">=30000" : undefined, ...tags, records: r.records, seconds: Math.round(r.seconds), refused_503: r.refused, loadavg1m: r.loadavg1m },
      { bench: "local.ingest.cpu_per_record", value: Number(cpuUs.toFixed(1)), unit: "us", ...tags, server_cpu_seconds: Number(r.cpuSeconds.toFixed(1)), records_per_cpu_second: Math.round(r.records / r.cpuSeconds), by_thread_us: r.threads },
      { bench: "local.ingest.client_cpu_per_record", value: Number(((r.clientCpuSeconds / r.records) * 1e6).toFixed(1)), unit: "us", ...tags },
      { bench: "local.ingest.peak_rss", value: Math.round(r.peakRssMib), unit: "MiB", target: "<=1024", ...tags },
      { bench: "local.ingest.lost", value: lost, unit: "records", target: "0", ...tags, acknowledged: r.records, stored: r.stored },
      { bench: "local.shutdown.flush", value: r.flushMs, unit: "ms", target: "<=10000", ...tags },
    ];
    for (const line of lines) process.stdout.write(`${JSON.stringify(line)}\n`);
    summaries.push(
      `${run.encoding.padEnd(8)} ${String(run.clients).padStart(2)} clients: ${rate} logs/s, ${cpuUs.toFixed(1)} µs CPU/record (${Object.entries(r.threads).slice(0, 3).map(([name, us]) => `${name} ${us}`).join(", ")}; clients ${((r.clientCpuSeconds / r.records) * 1e6).toFixed(1)}), peak RSS ${Math.round(r.peakRssMib)} MiB, ${r.records} acknowledged / ${r.stored} stored, ${r.refused} answered 503, load ${r.loadavg1m}`,
    );
    if (lost !== 0) failed = true;
  }
  process.stderr.write(`# local ingest, ${RECORDS_PER_REQUEST} records/request, ${DURATION_MS / 1000} s per run\n${summaries.map((s) => `#   ${s}`).join("\n")}\n`);
  if (failed) throw new Error("acknowledged records are missing from the store");
}

main().catch((err: unknown) => {
  process.stderr.write(`ingest bench: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
