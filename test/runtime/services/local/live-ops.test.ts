import * as grpc from "@grpc/grpc-js";
import { ProtobufLogsSerializer } from "@opentelemetry/otlp-transformer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOGS_SERVICE_EXPORT_PATH } from "../../../../runtime/receivers/otlp";
import type { LocalModeHandle } from "../../../../runtime/services/local/local-mode";
import { otlp, traffic, type TestLog } from "../../bridge/support";
import { localConfig, startLocal, tempDataDir } from "./harness";

const MIN = 60_000;

describe("local mode: empty OTLP requests and detection metrics", () => {
  let handle: LocalModeHandle;
  /** The injected wall clock, moved by the tests. */
  let wallMs = Date.UTC(2026, 2, 2, 12, 0, 0);

  beforeAll(async () => {
    handle = await startLocal(await localConfig(tempDataDir()), () => new Date(wallMs));
  });
  afterAll(() => handle.close());

  const metrics = async () => (await fetch(`${handle.urls.dashboard}/metrics`)).text();
  const value = (text: string, line: RegExp) => Number(text.split("\n").find((l) => line.test(l))?.split(" ").pop() ?? Number.NaN);

  it("answers an empty ExportLogsServiceRequest from a real gRPC client with OTLP success", async () => {
    // The OpenTelemetry SDK's own serializer: a request without resourceLogs is zero bytes of protobuf.
    const empty = Buffer.from(ProtobufLogsSerializer.serializeRequest([]) ?? new Uint8Array());
    expect(empty.length).toBe(0);
    const client = new grpc.Client(`127.0.0.1:${handle.ports.otlpGrpc}`, grpc.credentials.createInsecure());
    const answer = await new Promise<{ err: grpc.ServiceError | null; body?: Buffer }>((resolve) => {
      client.makeUnaryRequest(LOGS_SERVICE_EXPORT_PATH, (b: Buffer) => b, (b: Buffer) => b, empty, new grpc.Metadata(), (err, body) => resolve({ err, body }));
    });
    client.close();
    expect(answer.err).toBeNull();
    // ExportLogsServiceResponse without partial_success: full success.
    expect(answer.body?.length).toBe(0);
    expect(handle.stats().rejected).toBe(0);
  });

  it("answers an empty OTLP/HTTP protobuf request with 200", async () => {
    const res = await fetch(`http://127.0.0.1:${handle.ports.otlpHttp}/v1/logs`, { method: "POST", body: new Uint8Array(), headers: { "content-type": "application/x-protobuf" } });
    expect(res.status).toBe(200);
    expect((await res.arrayBuffer()).byteLength).toBe(0);
    // Nothing to keep: a valid empty request is no dead letter.
    expect(await metrics()).not.toMatch(/^logclaw_local_dead_letters_total\{/m);
  });

  it("reports incidents opened and resolved, windows closed, pipeline lag and store size on /metrics", async () => {
    const start = wallMs - 10 * MIN;
    const burstAt = start + 3 * MIN;
    const logs: TestLog[] = [
      ...traffic("checkout", start, burstAt, 20),
      ...Array.from({ length: 100 }, (_, i) => ({ service: "checkout", at: burstAt + i * 50, severity: 17, body: `request ${i} failed: upstream returned 503` })),
    ];
    for (let from = 0; from < logs.length; from += 500) {
      const res = await fetch(`http://127.0.0.1:${handle.ports.otlpHttp}/v1/logs`, { method: "POST", body: otlp(logs.slice(from, from + 500)), headers: { "content-type": "application/json" } });
      expect(res.status).toBe(200);
    }
    const before = await metrics();
    expect(value(before, /^logclaw_incidents_opened_total\{severity="[a-z]+"\} [1-9]/)).toBeNaN();
    // Records ten to seven minutes old, processed at the injected wall clock.
    expect(value(before, /^logclaw_pipeline_lag_seconds\{pipeline="local"\}/)).toBeCloseTo((wallMs - (burstAt + 99 * 50)) / 1000, 0);
    expect(value(before, /^logclaw_log_store_records /)).toBe(logs.length);
    expect(value(before, /^logclaw_log_store_bytes /)).toBeGreaterThan(0);

    wallMs += 20_000;
    await waitFor(async () => value(await metrics(), /^logclaw_incidents_opened_total\{severity="[a-z]+"\} 1$/) === 1);
    expect(value(await metrics(), /^logclaw_detection_windows_closed_total /)).toBeGreaterThan(18);
    wallMs += 5 * MIN;
    await waitFor(async () => value(await metrics(), /^logclaw_incidents_resolved_total\{severity="[a-z]+"\} 1$/) === 1);
  });
});

async function waitFor(probe: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 200));
  }
}
