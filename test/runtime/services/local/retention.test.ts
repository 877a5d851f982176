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

async function messages(handle: LocalModeHandle): Promise<{ message: string; "@timestamp": string; attributes: Record<string, unknown> }[]> {
  const res = await call(`${handle.urls.dashboard}/api/logs?service=clock-test&limit=100`);
  return (JSON.parse(res.text) as { logs: { message: string; "@timestamp": string; attributes: Record<string, unknown> }[] }).logs;
}

describe("retention counts from when a record was received", () => {
  it("keeps acknowledged records dated 1970, 2100 and without time across restarts until their retention period has passed", { timeout: 60_000 }, async () => {
    const received = Date.now();
    let wall = received;
    const now = () => new Date(wall);
    const config = await localConfig(tempDataDir());
    let handle = await startLocal(config, now);
    try {
      expect(await post(handle, { body: { stringValue: "no time at all" } })).toBe(200);
      expect(await post(handle, { timeUnixNano: "1000000000", body: { stringValue: "dated 1970" } })).toBe(200);
      expect(await post(handle, { timeUnixNano: `${Date.UTC(2100, 0, 1)}000000`, body: { stringValue: "dated 2100" } })).toBe(200);
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

      // Eight days on: the sweep at start deleted them.
      await handle.close();
      wall = received + 8 * DAY;
      handle = await startLocal(config, now);
      expect(await messages(handle)).toEqual([]);
    } finally {
      await handle.close();
    }
  });
});
