import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Incident } from "../../contracts/records";
import { runDemo } from "../../runtime/services/local/demo";
import type { LocalModeHandle } from "../../runtime/services/local/local-mode";
import { otlp, traffic, type TestLog } from "../runtime/bridge/support";
import { localConfig, startLocal, tempDataDir } from "../runtime/services/local/harness";
import { openChromium, type Browser } from "./chromium";

/** Screenshots of each step, kept as test artifacts (git-ignored), never committed. */
const ARTIFACTS = resolve(__dirname, "..", "..", "test-artifacts", "workflow");
const MIN = 60_000;

/** Expected 401s from a login gateway: steady traffic with a burst a person judges benign. */
function loginTraffic(fromMs: number, toMs: number, burstAtMs: number): TestLog[] {
  const attrs = { "http.route": "/login", "user.tier": "free" };
  const steady = traffic("login-gw", fromMs, toMs, 10, { attrs }).filter((l) => l.at < burstAtMs || l.at >= burstAtMs + MIN);
  const burst = traffic("login-gw", burstAtMs, burstAtMs + MIN, 10, { errorEvery: 4, attrs, errorBody: (i) => `login failed for user u${i}: invalid credentials (401)` });
  return [...steady, ...burst].sort((a, b) => a.at - b.at);
}

/** Sends logs over OTLP/HTTP JSON in 10-second batches, in time order. */
async function send(otlpHttp: string, logs: readonly TestLog[]): Promise<void> {
  for (let i = 0; i < logs.length; ) {
    const start = Math.floor(logs[i].at / 10_000);
    let j = i;
    while (j < logs.length && Math.floor(logs[j].at / 10_000) === start) j++;
    const res = await fetch(`${otlpHttp}/v1/logs`, { method: "POST", headers: { "content-type": "application/json" }, body: otlp(logs.slice(i, j)) });
    expect(res.status).toBe(200);
    i = j;
  }
}

describe("incident workflow and log exploration in Chromium", () => {
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

  const shot = (name: string, fullPage = true) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage });
  const incidents = async (): Promise<Incident[]> => ((await (await fetch(`${handle.urls.dashboard}/api/incidents?limit=1000`)).json()) as { incidents: Incident[] }).incidents;

  it("walks an incident, dismisses a benign one that then stays closed, and explores logs", { timeout: 420_000 }, async () => {
    const offline: string[] = [];
    page.on("request", (req) => {
      if (!req.url().startsWith(handle.urls.dashboard)) offline.push(req.url());
    });
    const nowMs = Date.now();

    // A real failure (the demo), placed 40 minutes back so the benign traffic can follow it in event time.
    const demo = await runDemo({
      otlpHttpUrl: handle.urls.otlpHttp,
      dashboardUrl: handle.urls.dashboard,
      seed: 7,
      failure: "database",
      waitMs: 90_000,
      progress: () => undefined,
      now: () => new Date(nowMs - 40 * MIN),
    });
    expect(demo.incident).not.toBeNull();
    const real = demo.incident!;

    // 1. Open the incident: its chart shows the signal with the detection marked.
    await page.goto(`${handle.urls.dashboard}/#/incidents/${encodeURIComponent(real.id)}`);
    await page.locator("#signal-chart canvas").waitFor();
    expect(await page.locator("#signal-chart").getAttribute("data-markers")).toContain("detected");
    expect(await page.locator("#signal-chart .u-legend").textContent()).toContain(`${demo.failure.rootCauseService} errors`);
    const title = (await page.locator("#incident-title").textContent()) ?? "";
    expect(title).not.toContain("<*>");
    expect(await page.locator(".facts dd.mono").first().textContent()).toMatch(/ UTC$/);
    await shot("1-incident-chart");

    // 2. Acknowledge it.
    await page.locator("#wf-by").fill("ana");
    await page.locator('#workflow button[data-action="acknowledge"]').click();
    await expect.poll(() => page.locator("#wf-facts").textContent(), { timeout: 15_000 }).toContain("Acknowledged by ana");
    await shot("2-acknowledged");

    // 3. A benign burst of expected 401s opens a second incident; mark it "not an incident".
    const t0 = nowMs - 39 * MIN;
    await send(handle.urls.otlpHttp, loginTraffic(t0, t0 + 10 * MIN, t0 + 4 * MIN));
    await expect.poll(async () => (await incidents()).filter((i) => i.rootCauseService === "login-gw").length, { timeout: 30_000 }).toBe(1);
    const benign = (await incidents()).find((i) => i.rootCauseService === "login-gw")!;
    await page.goto(`${handle.urls.dashboard}/#/incidents`);
    await page.locator(`#incident-table tr[data-id="${benign.id}"]`).click();
    await page.locator('#workflow form[data-action="not-an-incident"] input[name=reason]').fill("expected 401s: password-spray test of the login page");
    await page.locator('#workflow form[data-action="not-an-incident"] button').click();
    await expect.poll(() => page.locator("#wf-facts").textContent(), { timeout: 15_000 }).toContain("Not an incident");
    await shot("3-not-an-incident");

    // 4. The same benign traffic again, after the reopening cooldown: no new incident.
    const t1 = t0 + 10 * MIN;
    await send(handle.urls.otlpHttp, loginTraffic(t1, t1 + 22 * MIN, t1 + 16 * MIN));
    // Let the live clock close the last windows (5 s lateness) and the store settle.
    await new Promise((r) => setTimeout(r, 8000));
    const after = (await incidents()).filter((i) => i.rootCauseService === "login-gw");
    // The message names what reopened, if anything did: its evidence against the dismissed peak.
    const reopened = after.filter((i) => i.id !== benign.id).map((i) => ({ title: i.title, peakErrors: i.peakErrors, affected: i.affectedServices, signals: i.signals.map((s) => s.name) }));
    expect(after.map((i) => i.id), `dismissed peak ${benign.peakErrors}; reopened: ${JSON.stringify(reopened)}`).toEqual([benign.id]);
    expect(after[0].workflow?.verdict).toBe("not_an_incident");
    const metrics = await (await fetch(`${handle.urls.dashboard}/metrics`)).text();
    expect(metrics).toContain('logclaw_incident_verdicts{verdict="dismissed"} 1');
    expect(metrics).toContain('logclaw_incident_verdicts{verdict="confirmed"} 1');
    await page.goto(`${handle.urls.dashboard}/#/incidents`);
    await page.locator("#incident-table").waitFor();
    expect(await page.locator("#incident-counts").textContent()).toContain("1 confirmed · 1 not an incident");
    await shot("4-replayed-no-new-incident");

    // The Services page says why login-gw's errors open no incident: the verdict, and what would reopen it.
    await page.goto(`${handle.urls.dashboard}/#/services`);
    const why = page.locator('.service-card[data-service="login-gw"] .why');
    await why.waitFor();
    expect(await why.textContent()).toContain("not an incident");
    await shot("4b-services-why");

    // 5. Logs: an attribute filter, the volume histogram, page 2, and a line's context.
    await page.goto(`${handle.urls.dashboard}/#/logs?range=all`);
    await page.locator("#log-search input[name=q]").fill("service:login-gw http.route:/login level:error");
    await page.locator("#log-search button[type=submit]").click();
    await expect.poll(() => page.locator("#log-count").textContent(), { timeout: 20_000 }).toMatch(/^1–100 of 300 matches/);
    await page.locator("#log-histogram canvas").waitFor();
    // The histogram spans the matches (two bursts 16 minutes apart), so both show as bars.
    expect(await page.locator("#log-histogram .u-legend").textContent()).toContain("matches");
    await shot("5-logs-filtered", false);
    await page.locator("#next-page").click();
    await expect.poll(() => page.locator("#log-count").textContent(), { timeout: 20_000 }).toMatch(/^101–200 of 300 matches · page 2/);
    const messages = await page.locator("#log-table tr.log-row .message").allTextContents();
    expect(messages.every((m) => m.includes("invalid credentials"))).toBe(true);
    await shot("6-logs-page-2", false);
    await page.locator("#log-table tr.log-row").first().click();
    await page.locator(".log-details:not([hidden]) .context-button").click();
    const context = page.locator(".log-details:not([hidden]) .context-lines li");
    await context.first().waitFor();
    expect(await context.count()).toBe(21);
    expect(await page.locator(".context-lines li.current").count()).toBe(1);
    await shot("7-log-context", false);

    // 6. The zone toggle: local time is labelled with the browser's zone, not UTC.
    await page.locator("#tz").selectOption("local");
    await expect.poll(() => page.locator("#log-table th").first().textContent()).not.toBe("Time (UTC)");
    await page.locator("#tz").selectOption("utc");

    expect(offline).toEqual([]);
  });
});
