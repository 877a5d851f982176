import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalModeHandle } from "../../../../runtime/services/local/local-mode";
import { localConfig, startLocal, tempDataDir } from "./harness";

const KEY = "s3cret-key";

describe("local mode with an API key", () => {
  let handle: LocalModeHandle;
  let base: string;
  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${base}${path}`, { headers, redirect: "manual" });

  beforeAll(async () => {
    handle = await startLocal(await localConfig(tempDataDir(), { apiKey: KEY }));
    base = handle.urls.dashboard;
  });
  afterAll(() => handle.close());

  it("refuses every /api route without the key and accepts Bearer or x-logclaw-api-key", async () => {
    for (const path of ["/api/logs", "/api/incidents", "/api/incidents/x", "/api/tickets", "/api/overview", "/api/events", "/api/nope"]) {
      const res = await get(path, { accept: "application/json" });
      expect([path, res.status]).toEqual([path, 401]);
    }
    const resolve = await fetch(`${base}/api/incidents/x/resolve`, { method: "POST" });
    expect(resolve.status).toBe(401);
    expect((await get("/api/logs", { authorization: `Bearer ${KEY}` })).status).toBe(200);
    expect((await get("/api/logs", { "x-logclaw-api-key": KEY })).status).toBe(200);
    expect((await get("/api/logs", { "x-logclaw-api-key": "wrong" })).status).toBe(401);
  });

  it("sends a browser to the login page, which stores the key for the session in a cookie", async () => {
    const page = await get("/", { accept: "text/html" });
    expect(page.status).toBe(302);
    expect(page.headers.get("location")).toBe("/login?next=%2F");
    expect((await get("/tickets/", { accept: "text/html" })).status).toBe(302);
    const form = await get("/login?next=%2F%23%2Flogs");
    expect(form.status).toBe(200);
    expect(await form.text()).toContain('name="key"');

    const wrong = await fetch(`${base}/login`, { method: "POST", body: new URLSearchParams({ key: "nope", next: "/" }), redirect: "manual" });
    expect(wrong.status).toBe(303);
    expect(wrong.headers.get("location")).toMatch(/^\/login\?failed=1/);
    expect(wrong.headers.get("set-cookie")).toBeNull();

    const ok = await fetch(`${base}/login`, { method: "POST", body: new URLSearchParams({ key: KEY, next: "//evil.example/" }), redirect: "manual" });
    expect(ok.status).toBe(303);
    expect(ok.headers.get("location")).toBe("/");
    const cookie = ok.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).not.toMatch(/Expires|Max-Age/);
    expect(cookie).not.toContain(KEY);
    const session = { cookie: cookie.split(";")[0]! };
    expect((await get("/", { ...session, accept: "text/html" })).status).toBe(200);
    expect((await get("/api/overview", session)).status).toBe(200);
    expect((await get("/api/incidents", session)).status).toBe(200);
  });

  it("keeps probes and metrics open for monitors", async () => {
    for (const path of ["/healthz", "/readyz", "/metrics"]) expect((await get(path)).status).toBe(200);
  });
});
