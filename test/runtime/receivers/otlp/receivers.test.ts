import * as grpc from "@grpc/grpc-js";
import { gzipSync } from "node:zlib";
import pino from "pino";
import { Registry } from "prom-client";
import protobuf from "protobufjs";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  LOGS_SERVICE_EXPORT_PATH,
  TRACE_SERVICE_EXPORT_PATH,
  ReceiverMetrics,
  ReceiverOverloadedError,
  startOtlpGrpcReceiver,
  startOtlpHttpReceiver,
  type OtlpReceiverLimits,
  type RunningReceiver,
} from "../../../../runtime/receivers/otlp";
import { emitLogs, emitTraces, officialExporter, officialTraceExporter, type ExporterKind } from "./exporters";
import { RecordingSink } from "./recording-sink";

const API_KEY = "s3cret-key";
const limits: OtlpReceiverLimits = { maxRequestBytes: 64 * 1024, maxDecompressedBytes: 256 * 1024, maxInFlight: 16, retryAfterSeconds: 2 };
const logger = pino({ level: "silent" });

let sink: RecordingSink;
let registry: Registry;
let metrics: ReceiverMetrics;
let http: RunningReceiver;
let grpcReceiver: RunningReceiver;

beforeAll(async () => {
  sink = new RecordingSink();
  registry = new Registry();
  metrics = new ReceiverMetrics(registry);
  http = await startOtlpHttpReceiver({ host: "127.0.0.1", port: 0, apiKey: API_KEY, limits }, sink, metrics, logger);
  grpcReceiver = await startOtlpGrpcReceiver({ host: "127.0.0.1", port: 0, apiKey: API_KEY, limits }, sink, metrics, logger);
});

afterAll(async () => {
  await http.close();
  await grpcReceiver.close();
});

beforeEach(() => {
  sink.records.length = 0;
  sink.failWith = null;
});

async function metricValue(name: string, labels: Record<string, string>): Promise<number> {
  const metric = await registry.getSingleMetric(name)!.get();
  return metric.values.find((v) => Object.entries(labels).every(([k, val]) => v.labels[k] === val))?.value ?? 0;
}

function post(body: Uint8Array | string, headers: Record<string, string>, path = "/v1/logs"): Promise<Response> {
  return fetch(`http://127.0.0.1:${http.port}${path}`, { method: "POST", body, headers: { "x-logclaw-api-key": API_KEY, ...headers } });
}

const validJson = JSON.stringify({
  resourceLogs: [
    {
      resource: { attributes: [{ key: "service.name", value: { stringValue: "checkout" } }] },
      scopeLogs: [{ logRecords: [{ body: { stringValue: "kept" } }, { body: { stringValue: "reject me" } }] }],
    },
  ],
});

describe("OTLP receivers with the official OpenTelemetry exporters [reads ../shared/otlp-proto]", () => {
  for (const kind of ["http/json", "http/protobuf", "grpc"] as ExporterKind[]) {
    it(`receives every record sent by the ${kind} exporter`, async () => {
      const bodies = Array.from({ length: 300 }, (_, i) => `${kind} payment failed for order ${i}`);
      await emitLogs(officialExporter(kind, { http: http.port, grpc: grpcReceiver.port }, API_KEY), "checkout", bodies);
      expect(sink.records.map((r) => r.body).sort()).toEqual([...bodies].sort());
      expect(new Set(sink.records.map((r) => r.service))).toEqual(new Set(["checkout"]));
      expect(new Set(sink.records.map((r) => r.encoding))).toEqual(new Set([kind === "http/json" ? "json" : "protobuf"]));
    });
  }

  for (const kind of ["http/json", "http/protobuf", "grpc"] as ExporterKind[]) {
    it(`receives every span sent by the ${kind} trace exporter`, async () => {
      const names = Array.from({ length: 150 }, (_, i) => `${kind} checkout ${i}`);
      await emitTraces(officialTraceExporter(kind, { http: http.port, grpc: grpcReceiver.port }, API_KEY), "checkout", names);
      expect(new Set(sink.records.map((r) => r.signal))).toEqual(new Set(["traces"]));
      expect(sink.records.map((r) => r.body).sort()).toEqual(names.flatMap((n) => [n, `${n} call`]).sort());
      expect(new Set(sink.records.map((r) => r.encoding))).toEqual(new Set([kind === "http/json" ? "json" : "protobuf"]));
      expect(await metricValue("logclaw_receiver_spans_total", { transport: kind === "grpc" ? "grpc" : "http", outcome: "accepted" })).toBeGreaterThanOrEqual(300);
    });
  }

  it("refuses spans sent without the key, over HTTP and gRPC alike", async () => {
    const before = await metricValue("logclaw_receiver_refused_requests_total", { transport: "http", reason: "unauthenticated" });
    // The SDK's flush reports the refusal it got from the receiver (401 is not retryable).
    await expect(emitTraces(officialTraceExporter("http/protobuf", { http: http.port, grpc: grpcReceiver.port }), "checkout", ["no key"])).rejects.toMatchObject([{ code: 401 }]);
    await emitTraces(officialTraceExporter("grpc", { http: http.port, grpc: grpcReceiver.port }), "checkout", ["no key"]).catch(() => undefined);
    expect(sink.records).toEqual([]);
    // Every request the exporter made is refused and counted; how many it makes for two spans is the
    // SDK's choice (its batch timer can export the spans apart from the flush), so at least one.
    expect(await metricValue("logclaw_receiver_refused_requests_total", { transport: "http", reason: "unauthenticated" })).toBeGreaterThanOrEqual(before + 1);
  });

  it("loses nothing the exporters send without the key: they are refused and counted", async () => {
    const before = await metricValue("logclaw_receiver_refused_requests_total", { transport: "grpc", reason: "unauthenticated" });
    await emitLogs(officialExporter("grpc", { http: http.port, grpc: grpcReceiver.port }), "checkout", ["no key"]);
    expect(sink.records).toEqual([]);
    expect(await metricValue("logclaw_receiver_refused_requests_total", { transport: "grpc", reason: "unauthenticated" })).toBe(before + 1);
  });
});

describe("OTLP/HTTP answers", () => {
  it("answers 200 with partialSuccess for rejected records, in JSON for JSON", async () => {
    const res = await post(validJson, { "content-type": "application/json" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(await res.json()).toEqual({ partialSuccess: { rejectedLogRecords: "1", errorMessage: "1 record(s) rejected" } });
    expect(sink.records.map((r) => r.body)).toEqual(["kept"]);
  });

  it("answers 400 with a google.rpc.Status for malformed JSON and counts it", async () => {
    const before = await metricValue("logclaw_receiver_refused_requests_total", { transport: "http", reason: "malformed" });
    const res = await post("{not json", { "content-type": "application/json" });
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toBe("application/json");
    const status = (await res.json()) as { code: number; message: string };
    expect(status.code).toBe(3);
    expect(status.message).toMatch(/cannot decode json/);
    expect(await metricValue("logclaw_receiver_refused_requests_total", { transport: "http", reason: "malformed" })).toBe(before + 1);
  });

  it("answers malformed protobuf with a protobuf google.rpc.Status", async () => {
    const res = await post(new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0x0f, 0x01]), { "content-type": "application/x-protobuf" });
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toBe("application/x-protobuf");
    const reader = protobuf.Reader.create(new Uint8Array(await res.arrayBuffer()));
    expect(reader.uint32()).toBe((1 << 3) | 0);
    expect(reader.int32()).toBe(3);
    expect(reader.uint32()).toBe((2 << 3) | 2);
    expect(reader.string()).toMatch(/cannot decode protobuf/);
  });

  it("answers 401 without a key and 403 with a wrong one", async () => {
    const missing = await fetch(`http://127.0.0.1:${http.port}/v1/logs`, { method: "POST", body: validJson, headers: { "content-type": "application/json" } });
    expect(missing.status).toBe(401);
    expect(((await missing.json()) as { code: number }).code).toBe(16);
    const wrong = await post(validJson, { "content-type": "application/json", "x-logclaw-api-key": "nope" });
    expect(wrong.status).toBe(403);
    expect(((await wrong.json()) as { code: number }).code).toBe(7);
    expect(sink.records).toEqual([]);
    expect(await metricValue("logclaw_receiver_refused_requests_total", { transport: "http", reason: "forbidden" })).toBeGreaterThanOrEqual(1);
  });

  it("answers 413 for an oversized body and for a gzip body that inflates past the limit", async () => {
    const big = await post("x".repeat(limits.maxRequestBytes + 1), { "content-type": "application/json" });
    expect(big.status).toBe(413);
    expect(((await big.json()) as { code: number }).code).toBe(8);
    const bomb = gzipSync(Buffer.alloc(limits.maxDecompressedBytes + 1, 0x20));
    expect(bomb.length).toBeLessThan(limits.maxRequestBytes);
    const inflated = await post(bomb, { "content-type": "application/json", "content-encoding": "gzip" });
    expect(inflated.status).toBe(413);
    expect(await metricValue("logclaw_receiver_refused_requests_total", { transport: "http", reason: "oversized" })).toBe(2);
  });

  it("accepts gzip JSON and refuses corrupt gzip with 400", async () => {
    const ok = await post(gzipSync(validJson), { "content-type": "application/json", "content-encoding": "gzip" });
    expect(ok.status).toBe(200);
    expect(sink.records.map((r) => r.body)).toEqual(["kept"]);
    const corrupt = await post(Buffer.from("not gzip at all"), { "content-type": "application/json", "content-encoding": "gzip" });
    expect(corrupt.status).toBe(400);
  });

  it("answers 503 with Retry-After when the pipeline pushes back", async () => {
    sink.failWith = new ReceiverOverloadedError("queue full", 5);
    const res = await post(validJson, { "content-type": "application/json" });
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("5");
    expect(((await res.json()) as { code: number }).code).toBe(14);
  });

  it("answers 415 for other content types and 404 for other signals", async () => {
    expect((await post("hello", { "content-type": "text/plain" })).status).toBe(415);
    const metrics = await post(validJson, { "content-type": "application/json" }, "/v1/metrics");
    expect(metrics.status).toBe(404);
    expect(((await metrics.json()) as { message: string }).message).toBe("no OTLP signal at /v1/metrics; logs go to /v1/logs, traces to /v1/traces");
  });

  it("answers traces like logs: partialSuccess names rejectedSpans, malformed is 400, a wrong key 403, too large 413", async () => {
    const traces = JSON.stringify({
      resourceSpans: [{ resource: { attributes: [{ key: "service.name", value: { stringValue: "checkout" } }] }, scopeSpans: [{ spans: [{ name: "kept" }, { name: "reject me" }] }] }],
    });
    const partial = await post(traces, { "content-type": "application/json" }, "/v1/traces");
    expect(partial.status).toBe(200);
    expect(await partial.json()).toEqual({ partialSuccess: { rejectedSpans: "1", errorMessage: "1 record(s) rejected" } });
    expect(sink.records.map((r) => [r.signal, r.body])).toEqual([["traces", "kept"]]);
    expect((await post("{not json", { "content-type": "application/json" }, "/v1/traces")).status).toBe(400);
    expect((await post(traces, { "content-type": "application/json", "x-logclaw-api-key": "nope" }, "/v1/traces")).status).toBe(403);
    expect((await post("x".repeat(limits.maxRequestBytes + 1), { "content-type": "application/json" }, "/v1/traces")).status).toBe(413);
    const proto = await post(new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0x0f, 0x01]), { "content-type": "application/x-protobuf" }, "/v1/traces");
    expect(proto.status).toBe(400);
    expect(proto.headers.get("content-type")).toBe("application/x-protobuf");
  });
});

describe("OTLP/gRPC answers", () => {
  function exportRaw(payload: Buffer, key?: string, path = LOGS_SERVICE_EXPORT_PATH): Promise<grpc.ServiceError | null> {
    const client = new grpc.Client(`127.0.0.1:${grpcReceiver.port}`, grpc.credentials.createInsecure());
    const metadata = new grpc.Metadata();
    if (key) metadata.set("x-logclaw-api-key", key);
    return new Promise((resolve) => {
      client.makeUnaryRequest(
        path,
        (b: Buffer) => b,
        (b: Buffer) => b,
        payload,
        metadata,
        (err) => {
          client.close();
          resolve(err);
        },
      );
    });
  }

  it("answers INVALID_ARGUMENT for a malformed message and UNAUTHENTICATED for a wrong key", async () => {
    expect((await exportRaw(Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f, 0x01]), API_KEY))?.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect((await exportRaw(Buffer.alloc(0), "wrong"))?.code).toBe(grpc.status.UNAUTHENTICATED);
    expect(await exportRaw(Buffer.alloc(0), API_KEY)).toBeNull();
  });

  it("answers TraceService/Export with the same checks as LogsService/Export", async () => {
    expect((await exportRaw(Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f, 0x01]), API_KEY, TRACE_SERVICE_EXPORT_PATH))?.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect((await exportRaw(Buffer.alloc(0), "wrong", TRACE_SERVICE_EXPORT_PATH))?.code).toBe(grpc.status.UNAUTHENTICATED);
    const big = Buffer.concat([Buffer.from([0x0a, ...varint(limits.maxRequestBytes + 16)]), Buffer.alloc(limits.maxRequestBytes + 16, 0)]);
    expect((await exportRaw(big, API_KEY, TRACE_SERVICE_EXPORT_PATH))?.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect(await exportRaw(Buffer.alloc(0), API_KEY, TRACE_SERVICE_EXPORT_PATH)).toBeNull();
  });

  it("throttles with RESOURCE_EXHAUSTED carrying RetryInfo with the sink's delay when the sink pushes back", async () => {
    sink.failWith = new ReceiverOverloadedError("queue full", 5);
    const valid = Buffer.from(protobuf.Writer.create().uint32((1 << 3) | 2).fork().ldelim().finish());
    const err = await exportRaw(valid, API_KEY);
    expect(err?.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect(err?.details).toBe("queue full");
    // google.rpc.Status { code = 1, message = 2, details = 3: Any { type_url = 1, value = 2: RetryInfo { retry_delay = 1: Duration { seconds = 1 } } } }
    const [raw] = err?.metadata.get("grpc-status-details-bin") ?? [];
    const fields = (bytes: Uint8Array): Map<number, Uint8Array | number> => {
      const reader = protobuf.Reader.create(bytes);
      const out = new Map<number, Uint8Array | number>();
      while (reader.pos < reader.len) {
        const tag = reader.uint32();
        out.set(tag >>> 3, (tag & 7) === 2 ? reader.bytes() : Number(reader.int64()));
      }
      return out;
    };
    const status = fields(raw as Buffer);
    expect(status.get(1)).toBe(grpc.status.RESOURCE_EXHAUSTED);
    const any = fields(status.get(3) as Uint8Array);
    expect(Buffer.from(any.get(1) as Uint8Array).toString()).toBe("type.googleapis.com/google.rpc.RetryInfo");
    const delay = fields(fields(any.get(2) as Uint8Array).get(1) as Uint8Array);
    expect(delay.get(1)).toBe(5);
  });

  it("refuses a message above the HTTP wire limit with RESOURCE_EXHAUSTED, as OTLP/HTTP answers 413", async () => {
    const before = await metricValue("logclaw_receiver_refused_requests_total", { transport: "grpc", reason: "oversized" });
    // A valid ExportLogsServiceRequest: field 1 (resource_logs) holding one large, empty-scoped resource.
    const inner = Buffer.alloc(limits.maxRequestBytes + 16, 0);
    const header = Buffer.from([0x0a, ...varint(inner.length)]);
    expect((await exportRaw(Buffer.concat([header, inner]), API_KEY))?.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect(await metricValue("logclaw_receiver_refused_requests_total", { transport: "grpc", reason: "oversized" })).toBe(before + 1);
  });
});

function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return out;
}
