/**
 * Sustained OTLP/HTTP ingest into local mode: a real `logclaw start` in its own process, fed OTLP/JSON
 * requests of 500 records (the scenario generator's microservice traffic, shifted forward in event
 * time on every lap so each record is new) by 4 keep-alive clients for 30 s. Every request must be
 * answered 200 (stored before the answer). Figures, one JSON line each:
 * - `local.ingest.throughput`: records stored per second (wall clock; the 1-minute load average is
 *   printed beside it because the machine is shared),
 * - `local.ingest.peak_rss`: peak resident memory of the local-mode process,
 * - `local.shutdown.flush`: SIGTERM to exit (flush, state save, close).
 */
import { spawn } from "node:child_process";
import { readFileSync, mkdtempSync, rmSync } from "node:fs";
import { Agent, request } from "node:http";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { generateScenario } from "../../runtime/scenarios/generate";
import type { ScenarioLog } from "../../runtime/scenarios/types";
import { freePort } from "../runtime/services/local/harness";

const DURATION_MS = 30_000;
const CLIENTS = 4;
const RECORDS_PER_REQUEST = 500;
const repoRoot = resolve(__dirname, "..", "..");

function rssMib(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

function toOtlpJson(logs: readonly ScenarioLog[], shiftMs: number): string {
  const byService = new Map<string, ScenarioLog[]>();
  for (const log of logs) {
    const list = byService.get(log.service) ?? [];
    list.push(log);
    byService.set(log.service, list);
  }
  return JSON.stringify({
    resourceLogs: [...byService].map(([service, records]) => ({
      resource: { attributes: [{ key: "service.name", value: { stringValue: service } }] },
      scopeLogs: [
        {
          scope: { name: "bench" },
          logRecords: records.map((r) => ({
            timeUnixNano: `${BigInt(r.timeMs + shiftMs) * 1_000_000n}`,
            severityNumber: r.severityNumber,
            severityText: r.severityText,
            body: { stringValue: r.body },
            traceId: r.traceId ?? "",
            spanId: r.spanId ?? "",
            attributes: Object.entries(r.attributes).map(([key, v]) => ({
              key,
              value: typeof v === "number" ? { intValue: String(Math.trunc(v)) } : typeof v === "boolean" ? { boolValue: v } : { stringValue: String(v) },
            })),
          })),
        },
      ],
    })),
  });
}

function post(agent: Agent, port: number, body: string): Promise<number> {
  return new Promise((done, fail) => {
    const req = request({ host: "127.0.0.1", port, path: "/v1/logs", method: "POST", agent, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on("end", () => done(res.statusCode ?? 0));
    });
    req.on("error", fail);
    req.end(body);
  });
}

async function waitForHealth(url: string, child: ReturnType<typeof spawn>): Promise<void> {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`local mode exited with ${child.exitCode}`);
    const ok = await fetch(url).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function main(): Promise<void> {
  const scenario = generateScenario({ seed: 11, startMs: Date.now() - 3_600_000, durationMs: 60 * 60_000, requestsPerSecond: 25 });
  const lapMs = scenario.endMs - scenario.startMs;
  const chunks: ScenarioLog[][] = [];
  for (let i = 0; i + RECORDS_PER_REQUEST <= scenario.logs.length; i += RECORDS_PER_REQUEST) chunks.push(scenario.logs.slice(i, i + RECORDS_PER_REQUEST));

  const dir = mkdtempSync(join(tmpdir(), "logclaw-bench-"));
  const [port, httpPort, grpcPort] = [await freePort(), await freePort(), await freePort()];
  const child = spawn(process.execPath, [join(repoRoot, "runtime/cli/bin.js"), "start", "--data", join(dir, "data"), "--port", String(port), "--otlp-http-port", String(httpPort), "--otlp-grpc-port", String(grpcPort), "--log-level", "warn"], { stdio: ["ignore", "ignore", "inherit"] });
  try {
    await waitForHealth(`http://127.0.0.1:${port}/healthz`, child);
    let peakRss = rssMib(child.pid!);
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssMib(child.pid!))), 200);
    const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });
    let next = 0;
    let records = 0;
    let refused = 0;
    const started = Date.now();
    const deadline = started + DURATION_MS;
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        while (Date.now() < deadline) {
          const n = next++;
          const lap = Math.floor(n / chunks.length);
          const chunk = chunks[n % chunks.length]!;
          const status = await post(agent, httpPort, toOtlpJson(chunk, lap * lapMs));
          if (status === 200) records += chunk.length;
          else refused += 1;
        }
      }),
    );
    const elapsed = (Date.now() - started) / 1000;
    clearInterval(sampler);
    agent.destroy();
    if (refused > 0) throw new Error(`${refused} requests were not answered 200`);
    const stopStarted = Date.now();
    const exited = new Promise<void>((done) => child.once("exit", () => done()));
    child.kill("SIGTERM");
    await exited;
    const flushMs = Date.now() - stopStarted;
    const lines = [
      { bench: "local.ingest.throughput", value: Math.round(records / elapsed), unit: "logs/s", target: ">=10000", records, seconds: Math.round(elapsed), loadavg1m: Number(loadavg()[0]!.toFixed(1)) },
      { bench: "local.ingest.peak_rss", value: Math.round(peakRss), unit: "MiB", target: "<=1024" },
      { bench: "local.shutdown.flush", value: flushMs, unit: "ms", target: "<=10000" },
    ];
    for (const line of lines) process.stdout.write(`${JSON.stringify(line)}\n`);
  } finally {
    if (child.exitCode === null) child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`ingest bench: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
