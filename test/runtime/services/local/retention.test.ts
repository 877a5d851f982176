import { request } from "node:http";
import { describe, expect, it } from "vitest";
import type { LocalModeHandle } from "../../../../runtime/services/local/local-mode";
import { localConfig, startLocal, tempDataDir } from "./harness";

const DAY = 86_400_000;

/** One connection per request: the test restarts the servers, pooled sockets would go stale. */
function call(url: string, body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: body ? "POST" : "GET", agent: false, headers: body ? { "content-type": "application/json" } : {} }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

async function post(handle: LocalModeHandle, record: Record<string, unknown>): Promise<number> {
  const body = {
    resourceLogs: [{ resource: { attributes: [{ key: "service.name", value: { stringValue: "clock-test" } }] }, scopeLogs: [{ scope: { name: "t" }, logRecords: [record] }] }],
  };
  return (await call(`${handle.urls.otlpHttp}/v1/logs`, JSON.stringify(body))).status;
}

const TRACE_1970 = "1".repeat(32);
const TRACE_2100 = "2".repeat(32);

async function postSpan(handle: LocalModeHandle, traceId: string, endNanos: string): Promise<number> {
  const span = { traceId, spanId: "a".repeat(16), name: "GET /clock", kind: 2, startTimeUnixNano: endNanos.replace(/\d{4}$/, "0000"), endTimeUnixNano: endNanos };
  const body = { resourceSpans: [{ resource: { attributes: [{ key: "service.name", value: { stringValue: "clock-test" } }] }, scopeSpans: [{ spans: [span] }] }] };
  return (await call(`${handle.urls.otlpHttp}/v1/traces`, JSON.stringify(body))).status;
}

/** The `@timestamp` of the trace's one span, or null when the trace is not stored. */
async function spanTime(handle: LocalModeHandle, traceId: string): Promise<string | null> {
  const res = await call(`${handle.urls.dashboard}/api/traces/${traceId}`);
  return res.status === 404 ? null : (JSON.parse(res.text) as { spans: { "@timestamp": string }[] }).spans[0]!["@timestamp"];
}

async function messages(handle: LocalModeHandle): Promise<{ message: string; "@timestamp": string; attributes: Record<string, unknown> }[]> {
  const res = await call(`${handle.urls.dashboard}/api/logs?service=clock-test&limit=100`);
  return (JSON.parse(res.text) as { logs: { message: string; "@timestamp": string; attributes: Record<string, unknown> }[] }).logs;
}

describe("retention counts from when a record was received", () => {
  it("keeps acknowledged records and spans dated 1970, 2100 and without time across restarts until their retention period has passed", { timeout: 60_000 }, async () => {
    const received = Date.now();
    let wall = received;
    const now = () => new Date(wall);
    const config = await localConfig(tempDataDir());
    let handle = await startLocal(config, now);
    try {
      expect(await post(handle, { body: { stringValue: "no time at all" } })).toBe(200);
      expect(await post(handle, { timeUnixNano: "1000000000", body: { stringValue: "dated 1970" } })).toBe(200);
      expect(await post(handle, { timeUnixNano: `${Date.UTC(2100, 0, 1)}000000`, body: { stringValue: "dated 2100" } })).toBe(200);
      expect(await postSpan(handle, TRACE_1970, "1000000000")).toBe(200);
      expect(await postSpan(handle, TRACE_2100, `${Date.UTC(2100, 0, 1)}000000`)).toBe(200);
      // Spans are placed in event time like records: at their received time when their own is absurd.
      for (const traceId of [TRACE_1970, TRACE_2100]) expect(Math.abs(Date.parse((await spanTime(handle, traceId))!) - received)).toBeLessThan(1000);
      const all = ["dated 1970", "dated 2100", "no time at all"];
      expect((await messages(handle)).map((d) => d.message).sort()).toEqual(all);
      // Each is placed at its received time; the client's own time stays on the record.
      for (const d of await messages(handle)) expect(Math.abs(Date.parse(d["@timestamp"]) - received)).toBeLessThan(1000);
      expect((await messages(handle)).find((d) => d.message === "dated 1970")?.attributes["logclaw.original_time_unix_nano"]).toBe("1000000000");

      await handle.close();
      handle = await startLocal(config, now);
      expect((await messages(handle)).map((d) => d.message).sort()).toEqual(all);

      // Six days on (retention 7): still there.
      await handle.close();
      wall = received + 6 * DAY;
      handle = await startLocal(config, now);
      expect((await messages(handle)).map((d) => d.message).sort()).toEqual(all);
      expect(await spanTime(handle, TRACE_1970)).not.toBeNull();
      expect(await spanTime(handle, TRACE_2100)).not.toBeNull();

      // Eight days on: the sweep at start deleted them.
      await handle.close();
      wall = received + 8 * DAY;
      handle = await startLocal(config, now);
      expect(await messages(handle)).toEqual([]);
      expect(await spanTime(handle, TRACE_1970)).toBeNull();
      expect(await spanTime(handle, TRACE_2100)).toBeNull();
    } finally {
      await handle.close();
    }
  });
});
