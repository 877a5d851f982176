import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Incident } from "../../contracts/records";
import type { LocalModeHandle } from "../../runtime/services/local/local-mode";
import { jitter, request, toRequest, type SpanSpec } from "../runtime/bridge/span-requests";
import { otlp, type TestLog } from "../runtime/bridge/support";
import { localConfig, startLocal, tempDataDir } from "../runtime/services/local/harness";
import { openChromium, type Browser } from "./chromium";

/** Screenshots, kept as test artifacts (git-ignored), never committed. */
const ARTIFACTS = resolve(__dirname, "..", "..", "test-artifacts", "incident-traces");
const WINDOWS = 40;
const REQUESTS_PER_WINDOW = 10;
/** From this 10 s window on, `orders` answers ~0.9 s late and fails: a fault the spans carry. */
const FAULT_FROM = 30;
const WATERFALL = [
  ["gateway", "GET /api"],
  ["gateway", "HTTP GET"],
  ["orders", "/orders"],
  ["orders", "HTTP POST"],
  ["stock", "/stock"],
];

/** One 10 s window of gateway -> orders -> stock requests, and the info log `orders` writes per request. */
function window(w: number, baseMs: number): { spans: SpanSpec[]; logs: TestLog[] } {
  const spans: SpanSpec[] = [];
  const logs: TestLog[] = [];
  for (let r = 0; r < REQUESTS_PER_WINDOW; r++) {
    const i = w * REQUESTS_PER_WINDOW + r;
    const faulty = w >= FAULT_FROM;
    const request_ = request(baseMs + w * 10_000 + r * 900, faulty ? 900 + 50 * jitter(i) : 3 + jitter(i), 4 + 2 * jitter(i + 7));
    const server = request_[2]!;
    if (faulty) server.error = true;
    spans.push(...request_);
    logs.push({ service: "orders", at: Math.round(server.startMs), body: `handled order ${i}`, traceId: server.traceId, spanId: server.spanId });
  }
  return { spans, logs };
}

describe("incident page: root-cause candidates and the exemplar trace waterfall in Chromium", () => {
  let handle: LocalModeHandle;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    handle = await startLocal(await localConfig(tempDataDir()));
    // A zone other than the machine's (often UTC), so the local-time toggle shows a different label.
    browser = await openChromium({ height: 1000, timezoneId: "Europe/Berlin" });
    page = browser.page;
  });

  afterAll(async () => {
    await browser?.close();
    await handle?.close();
  });

  const incidents = async (): Promise<Incident[]> => ((await (await fetch(`${handle.urls.dashboard}/api/incidents?limit=1000`)).json()) as { incidents: Incident[] }).incidents;

  it("keeps the waterfall hidden for an incident with no stored traces", { timeout: 120_000 }, async () => {
    // A log-only failure, errors that carry no trace, in event time before the traced traffic below.
    const from = Math.floor((Date.now() - 20 * 60_000) / 10_000) * 10_000;
    const logs: TestLog[] = [];
    for (let t = from, i = 0; t < from + 6 * 60_000; t += 200, i++) {
      const burst = t >= from + 5 * 60_000;
      logs.push({ service: "billing", at: t, severity: burst && i % 2 === 0 ? 17 : 9, body: burst && i % 2 === 0 ? `payment ${i} failed: card processor unreachable` : `charged payment ${i}` });
    }
    for (let i = 0; i < logs.length; i += 300) {
      const res = await fetch(`${handle.urls.otlpHttp}/v1/logs`, { method: "POST", headers: { "content-type": "application/json" }, body: otlp(logs.slice(i, i + 300)) });
      expect(res.status).toBe(200);
    }
    await expect.poll(async () => (await incidents()).find((i) => i.rootCauseService === "billing")?.id, { timeout: 60_000 }).toBeDefined();
    const billing = (await incidents()).find((i) => i.rootCauseService === "billing")!;
    await page.goto(`${handle.urls.dashboard}/#/incidents/${encodeURIComponent(billing.id)}`);
    await page.locator('#trace-waterfall[data-traces="0"]').waitFor({ state: "attached" });
    const traces = (await (await fetch(`${handle.urls.dashboard}/api/incidents/${encodeURIComponent(billing.id)}/traces`)).json()) as { traces: unknown[] };
    expect(traces.traces).toEqual([]);
    expect(await page.locator("#trace-waterfall").isHidden()).toBe(true);
    expect(await page.locator("#trace-waterfall .span-row").count()).toBe(0);
  });
  it("shows the ranked candidates with their evidence and the incident's traces as a span waterfall", { timeout: 300_000 }, async () => {
    const offline: string[] = [];
    page.on("request", (req) => {
      if (!req.url().startsWith(handle.urls.dashboard)) offline.push(req.url());
    });
    // Event time ends a minute back, so the live clock closes every window.
    const baseMs = Math.floor((Date.now() - (WINDOWS * 10_000 + 60_000)) / 10_000) * 10_000;
    for (let w = 0; w < WINDOWS; w++) {
      const { spans, logs } = window(w, baseMs);
      const traces = await fetch(`${handle.urls.otlpHttp}/v1/traces`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(toRequest(spans)) });
      expect(traces.status).toBe(200);
      const logged = await fetch(`${handle.urls.otlpHttp}/v1/logs`, { method: "POST", headers: { "content-type": "application/json" }, body: otlp(logs) });
      expect(logged.status).toBe(200);
    }
    await expect.poll(async () => (await incidents()).find((i) => (i.rootCauseCandidates ?? []).length > 0)?.id, { timeout: 60_000 }).toBeDefined();
    const incident = (await incidents()).find((i) => (i.rootCauseCandidates ?? []).length > 0)!;
    const candidates = incident.rootCauseCandidates!;
    expect(candidates[0]!.service).toBe("orders");

    await page.goto(`${handle.urls.dashboard}/#/incidents/${encodeURIComponent(incident.id)}`);

    // Candidates: ranked as the incident has them, the first marked as the root cause, evidence as text.
    const rows = page.locator("#candidates li.candidate");
    await rows.first().waitFor();
    expect(await rows.evaluateAll((els) => els.map((e) => e.getAttribute("data-service")))).toEqual(candidates.map((c) => c.service));
    expect(await rows.first().locator(".badge-root").textContent()).toBe("root cause");
    expect(await page.locator("#candidates .badge-root").count()).toBe(1);
    const evidence = await rows.first().locator(".candidate-evidence li").allTextContents();
    expect(evidence).toHaveLength(candidates[0]!.evidence.length);
    expect(evidence[0]).toContain(candidates[0]!.evidence[0]!.what);
    expect(evidence.join(" ")).not.toContain("{");
    expect(await rows.first().locator(".share").textContent()).toBe(`${Math.round(candidates[0]!.score * 100)}%`);

    // Waterfall: one stored exemplar trace at a time, spans in waterfall order, indented by depth.
    const section = page.locator("#trace-waterfall");
    await section.locator(".span-row:not(.axis)").first().waitFor();
    expect(await section.isVisible()).toBe(true);
    const traceId = await page.locator("#waterfall-body").getAttribute("data-trace-id");
    expect(incident.traceIds).toContain(traceId);
    const spanRows = section.locator(".span-row:not(.axis)");
    expect(await spanRows.count()).toBe(WATERFALL.length);
    const shown = await spanRows.evaluateAll((els) => els.map((e) => [e.querySelector(".span-service")!.textContent, e.querySelector(".span-name")!.textContent]));
    expect(shown).toEqual(WATERFALL);
    const indents = await spanRows.evaluateAll((els) => els.map((e) => Number(/padding-left:\s*(\d+)px/.exec(e.querySelector(".span-label")!.getAttribute("style") ?? "")?.[1])));
    expect(indents).toEqual([...indents].sort((a, b) => a - b));
    expect(new Set(indents).size).toBe(WATERFALL.length);
    // The failed span of this slow trace is marked, and only it.
    expect(await spanRows.evaluateAll((els) => els.map((e) => e.classList.contains("error")))).toEqual([false, false, true, false, false]);
    expect(await spanRows.nth(2).locator(".badge-error").textContent()).toBe("error");
    const tip = (await spanRows.nth(2).getAttribute("title")) ?? "";
    expect(tip).toContain("/orders");
    expect(tip).toContain("service: orders");
    expect(tip).toContain("status: error");
    expect(tip).toMatch(/duration: \d/);
    // Bars sit where the spans start: the callee's server span begins after its caller's client span.
    const lefts = await spanRows.evaluateAll((els) => els.map((e) => Number(/left:\s*([\d.]+)%/.exec(e.querySelector(".span-bar")!.getAttribute("style") ?? "")?.[1])));
    expect(lefts[0]).toBe(0);
    expect(lefts[2]).toBeGreaterThan(lefts[1]! + 10);
    expect(await section.locator(".waterfall-meta").textContent()).toMatch(/ UTC · /);
    await page.screenshot({ path: join(ARTIFACTS, "incident-waterfall.png"), fullPage: true });

    // Several exemplars: the selector switches the trace drawn.
    const options = await page.locator("#trace-select option").count();
    if (incident.traceIds.length > 1) {
      expect(options).toBeGreaterThan(1);
      await page.locator("#trace-select").selectOption("1");
      await expect.poll(() => page.locator("#waterfall-body").getAttribute("data-trace-id")).not.toBe(traceId);
      expect(await section.locator(".span-row:not(.axis)").count()).toBe(WATERFALL.length);
    }

    // Local time carries the browser's zone.
    await page.locator("#tz").selectOption("local");
    await expect.poll(() => section.locator(".waterfall-meta").textContent(), { timeout: 15_000 }).not.toMatch(/ UTC · /);
    await page.locator("#tz").selectOption("utc");
    expect(offline).toEqual([]);
  });

});
