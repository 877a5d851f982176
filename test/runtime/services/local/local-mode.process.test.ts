import { execFile } from "node:child_process";
import { get } from "node:http";
import { promisify } from "node:util";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalConfig } from "../../../../runtime/services/local/config";
import type { LocalModeHandle } from "../../../../runtime/services/local/local-mode";
import { emitLogs, emitTraces, officialExporter, officialTraceExporter, type ExporterKind } from "../../receivers/otlp/exporters";
import { localConfig, startLocal, tempDataDir } from "./harness";

const API_KEY = "local-key";
const repoRoot = resolve(__dirname, "..", "..", "..", "..");

interface LogsAnswer {
  logs: { message: string; service: string; severity_text: string }[];
}

/** One connection per request: the test restarts the server, pooled sockets would go stale. */
function getText(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false, headers: { "x-logclaw-api-key": API_KEY } }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    }).on("error", reject);
  });
}

async function searchLogs(handle: LocalModeHandle, params: Record<string, string>): Promise<LogsAnswer["logs"]> {
  const res = await getText(`${handle.urls.dashboard}/api/logs?${new URLSearchParams({ limit: "1000", ...params })}`);
  expect(res.status).toBe(200);
  return (JSON.parse(res.body) as LogsAnswer).logs;
}

async function metric(handle: LocalModeHandle, line: string): Promise<number> {
  const text = (await getText(`${handle.urls.dashboard}/metrics`)).body;
  const found = text.split("\n").find((l) => l.startsWith(line));
  return found ? Number(found.slice(line.length).trim()) : 0;
}

describe("local mode", () => {
  let dataDir: string;
  let config: LocalConfig;
  let handle: LocalModeHandle;

  beforeAll(async () => {
    dataDir = tempDataDir();
    config = await localConfig(dataDir, { apiKey: API_KEY });
    handle = await startLocal(config);
  });

  afterAll(async () => {
    await handle.close();
  });

  it("stores every record the official http/json, http/protobuf and gRPC exporters send", { timeout: 120_000 }, async () => {
    for (const kind of ["http/json", "http/protobuf", "grpc"] as ExporterKind[]) {
      const service = `svc-${kind.replace(/\W/g, "-")}`;
      const bodies = Array.from({ length: 250 }, (_, i) => `${kind} checkout failed for order ${i}`);
      await emitLogs(officialExporter(kind, { http: handle.ports.otlpHttp, grpc: handle.ports.otlpGrpc }, API_KEY), service, bodies);
      const stored = await searchLogs(handle, { service });
      expect(stored.map((d) => d.message).sort()).toEqual([...bodies].sort());
      expect(new Set(stored.map((d) => d.severity_text))).toEqual(new Set(["error"]));
    }
    const hits = await searchLogs(handle, { q: "order 7 protobuf" });
    expect(hits.map((d) => d.message)).toContain("http/protobuf checkout failed for order 7");
  });

  it("stores every span the official http/json, http/protobuf and gRPC trace exporters send, readable per trace", { timeout: 120_000 }, async () => {
    for (const kind of ["http/json", "http/protobuf", "grpc"] as ExporterKind[]) {
      const service = `traced-${kind.replace(/\W/g, "-")}`;
      const names = Array.from({ length: 120 }, (_, i) => `${kind} GET /checkout ${i}`);
      const traceIds = await emitTraces(officialTraceExporter(kind, { http: handle.ports.otlpHttp, grpc: handle.ports.otlpGrpc }, API_KEY), service, names);
      expect(new Set(traceIds).size).toBe(names.length);
      for (const [i, traceId] of traceIds.entries()) {
        const res = await getText(`${handle.urls.dashboard}/api/traces/${traceId}`);
        expect(res.status, `${kind} trace ${i}`).toBe(200);
        const { spans } = JSON.parse(res.body) as { spans: { name: string; service: string; kind: string; parent_span_id: string | null; span_id: string }[] };
        expect(spans.map((s) => [s.name, s.kind, s.service])).toEqual([
          [names[i], "server", service],
          [`${names[i]} call`, "client", service],
        ]);
        expect(spans[1]!.parent_span_id).toBe(spans[0]!.span_id);
      }
    }
    expect(await metric(handle, 'logclaw_receiver_spans_total{transport="http",outcome="accepted"}')).toBe(480);
    expect(await metric(handle, 'logclaw_receiver_spans_total{transport="grpc",outcome="accepted"}')).toBe(240);
  });

  it("answers malformed OTLP with 400, a wrong key with 403, and counts both", async () => {
    const url = `${handle.urls.otlpHttp}/v1/logs`;
    const malformed = await fetch(url, { method: "POST", body: "{", headers: { "content-type": "application/json", "x-logclaw-api-key": API_KEY } });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { code: number }).code).toBe(3);
    const wrongKey = await fetch(url, { method: "POST", body: "{}", headers: { "content-type": "application/json", "x-logclaw-api-key": "nope" } });
    expect(wrongKey.status).toBe(403);
    const oversized = await fetch(url, {
      method: "POST",
      body: "x".repeat(config.maxRequestBytes + 1),
      headers: { "content-type": "application/json", "x-logclaw-api-key": API_KEY },
    });
    expect(oversized.status).toBe(413);
    const malformedTraces = await fetch(`${handle.urls.otlpHttp}/v1/traces`, {
      method: "POST",
      body: '{"resourceSpans": 7}',
      headers: { "content-type": "application/json", "x-logclaw-api-key": API_KEY },
    });
    expect(malformedTraces.status).toBe(400);
    expect(((await malformedTraces.json()) as { message: string }).message).toMatch(/resourceSpans/);
    expect(await metric(handle, 'logclaw_receiver_refused_requests_total{transport="http",reason="malformed"}')).toBe(2);
    expect(await metric(handle, 'logclaw_receiver_refused_requests_total{transport="http",reason="forbidden"}')).toBe(1);
    expect(await metric(handle, 'logclaw_receiver_refused_requests_total{transport="http",reason="oversized"}')).toBe(1);
  });

  it("refuses a second process on the same data folder with one line, leaving the store intact", { timeout: 180_000 }, async () => {
    const before = (await searchLogs(handle, {})).length;
    const second = await promisify(execFile)(
      process.execPath,
      [join(repoRoot, "runtime/cli/bin.js"), "start", "--data", dataDir, "--port", "0", "--otlp-http-port", "0", "--otlp-grpc-port", "0"],
      { encoding: "utf8", timeout: 120_000 },
    ).then(
      () => ({ code: 0, stderr: "" }),
      (err: { code: number; stderr: string }) => ({ code: err.code, stderr: err.stderr }),
    );
    expect(second.code).toBe(1);
    expect(second.stderr.trim().split("\n")).toEqual([
      `logclaw start: data folder ${dataDir} is in use by logclaw process ${process.pid}; stop it or pass another --data`,
    ]);
    expect((await searchLogs(handle, {})).length).toBe(before);
  });

  it("keeps every log after a restart on the same data folder", { timeout: 120_000 }, async () => {
    const before = await searchLogs(handle, { q: "checkout failed" });
    expect(before.length).toBe(750);
    await handle.close();
    handle = await startLocal(config);
    const after = await searchLogs(handle, { q: "checkout failed" });
    expect(after.map((d) => d.message).sort()).toEqual(before.map((d) => d.message).sort());
  });
});
