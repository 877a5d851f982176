import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LogFeed } from "../../../runtime/services/local/log-feed";
import type { LogDocument } from "../../../contracts/records";
import { makeLog } from "../ticketing/fixtures";
import { serveApi, type ServedApi } from "./serve";

const TOKEN = "k3y";

interface PageBody {
  logs: LogDocument[];
  total: number;
  nextCursor: string | null;
}

describe("/api/logs exploration", () => {
  let api: ServedApi;
  let base: string;
  let feed: LogFeed;

  beforeEach(async () => {
    feed = new LogFeed();
    api = await serveApi(
      TOKEN,
      ({ logs }) => {
        const docs: LogDocument[] = [];
        for (let i = 0; i < 30; i++) {
          docs.push(
            makeLog(`r${String(i).padStart(2, "0")}`, {
              "@timestamp": new Date(Date.UTC(2026, 10, 22, 3, 0, i)).toISOString(),
              service: i % 2 ? "payments" : "checkout",
              attributes: { "http.route": i % 3 ? "/cart" : "/pay" },
              message: `attempt ${i} failed with timeout`,
            }),
          );
        }
        docs.push(makeLog("other-tenant", { tenant_id: "globex", "@timestamp": "2026-11-22T03:00:05.000Z", attributes: { "http.route": "/pay" } }));
        logs.indexSync(docs);
      },
      { logTail: feed, now: () => new Date("2026-11-22T04:00:00.000Z") },
    );
    base = api.base;
  });

  afterEach(() => api.close());

  const get = (path: string) => fetch(`${base}${path}`, { headers: { Authorization: `Bearer ${TOKEN}` } });
  const json = async <T>(path: string): Promise<T> => {
    const res = await get(path);
    expect(res.status).toBe(200);
    return (await res.json()) as T;
  };

  it("filters by attribute with the query syntax, reports the total and pages with the cursor", async () => {
    const q = encodeURIComponent("http.route:/pay timeout");
    const first = await json<PageBody>(`/api/logs?q=${q}&limit=4`);
    expect(first.total).toBe(10);
    expect(first.logs.map((l) => l.id)).toEqual(["r27", "r24", "r21", "r18"]);
    const second = await json<PageBody>(`/api/logs?q=${q}&limit=4&cursor=${encodeURIComponent(first.nextCursor!)}`);
    expect(second.logs.map((l) => l.id)).toEqual(["r15", "r12", "r09", "r06"]);
    const third = await json<PageBody>(`/api/logs?q=${q}&limit=4&cursor=${encodeURIComponent(second.nextCursor!)}`);
    expect(third.logs.map((l) => l.id)).toEqual(["r03", "r00"]);
    expect(third.nextCursor).toBeNull();
  });

  it.each([
    ["/api/logs?limit=1001", "parameter limit must be an integer from 1 to 1000"],
    ["/api/logs?cursor=nonsense", "parameter cursor"],
    [`/api/logs?q=${encodeURIComponent("status>=x")}`, "needs a number"],
    ["/api/logs?order=sideways", "parameter order"],
    ["/api/logs/histogram?buckets=5000", "parameter buckets"],
    ["/api/logs/r01/context?before=1000", "parameter before"],
  ])("answers 400 with one line for %s", async (path, message) => {
    const res = await get(path);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toContain(message);
  });

  it("returns the lines around a record from the same service", async () => {
    const body = await json<{ record: LogDocument; before: LogDocument[]; after: LogDocument[] }>("/api/logs/r10/context?before=2&after=3");
    expect(body.record.id).toBe("r10");
    expect(body.before.map((l) => l.id)).toEqual(["r06", "r08"]);
    expect(body.after.map((l) => l.id)).toEqual(["r12", "r14", "r16"]);
    expect((await get("/api/logs/other-tenant/context")).status).toBe(404);
  });

  it("lists a trace's logs oldest first through trace_id:", async () => {
    const body = await json<PageBody>(`/api/logs?q=${encodeURIComponent("trace_id:0AF7651916CD43DD8448EB211C80319C")}&order=asc&limit=3`);
    expect(body.total).toBe(30);
    expect(body.logs.map((l) => l.id)).toEqual(["r00", "r01", "r02"]);
  });

  it("gives the query's volume over time", async () => {
    const body = await json<{ bucketSeconds: number; buckets: { total: number }[] }>(
      `/api/logs/histogram?q=service:payments&from=2026-11-22T03:00:00Z&to=2026-11-22T03:00:29Z&buckets=3`,
    );
    expect(body.bucketSeconds).toBe(10);
    expect(body.buckets.map((b) => b.total)).toEqual([5, 5, 5]);
  });

  it("tails new matching records over server-sent events", async () => {
    const controller = new AbortController();
    const res = await fetch(`${base}/api/logs/tail?q=${encodeURIComponent("service:checkout level:error")}`, {
      headers: { Authorization: `Bearer ${TOKEN}` },
      signal: controller.signal,
    });
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const reader = res.body!.getReader();
    let text = "";
    const until = async (needle: string) => {
      while (!text.includes(needle)) text += new TextDecoder().decode((await reader.read()).value);
    };
    await until("event: ready");
    feed.publish([
      makeLog("new-1", { service: "checkout" }),
      makeLog("new-2", { service: "payments" }),
      makeLog("new-3", { service: "checkout", tenant_id: "globex" }),
      makeLog("new-4", { service: "checkout", severity_text: "info", severity_number: 9 }),
    ]);
    await until("event: logs");
    await until("\n\n");
    const data = text.split("event: logs\ndata: ")[1].split("\n")[0];
    expect((JSON.parse(data) as LogDocument[]).map((d) => d.id)).toEqual(["new-1"]);
    controller.abort();
  });

  it("requires the key on every log route", async () => {
    for (const path of ["/api/logs", "/api/logs/tail", "/api/logs/histogram", "/api/logs/r01/context"]) {
      expect((await fetch(`${base}${path}`)).status).toBe(401);
    }
  });
});
