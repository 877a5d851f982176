import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runDemo } from "../../runtime/services/local/demo";
import type { LocalModeHandle } from "../../runtime/services/local/local-mode";
import { localConfig, startLocal, tempDataDir } from "../runtime/services/local/harness";
import { openChromium, type Browser } from "./chromium";

const ARTIFACTS = resolve(__dirname, "..", "..", "test-artifacts");

describe("dashboard in Chromium", () => {
  let handle: LocalModeHandle;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    handle = await startLocal(await localConfig(tempDataDir()));
    browser = await openChromium({ height: 960 });
    page = browser.page;
  });

  afterAll(async () => {
    await browser?.close();
    await handle?.close();
  });

  it("shows the demo's incident with its ticket live, and finds its log lines", { timeout: 240_000 }, async () => {
    const offline: string[] = [];
    page.on("request", (req) => {
      if (!req.url().startsWith(handle.urls.dashboard)) offline.push(req.url());
    });
    await page.goto(`${handle.urls.dashboard}/`);
    await expect(page.locator(".empty h3").textContent()).resolves.toBe("No incidents yet");
    await page.locator("#live.on").waitFor();

    const result = await runDemo({
      otlpHttpUrl: handle.urls.otlpHttp,
      dashboardUrl: handle.urls.dashboard,
      seed: 7,
      failure: "database",
      waitMs: 60_000,
      progress: () => undefined,
      now: () => new Date(),
    });
    expect(result.incident).not.toBeNull();
    expect(result.tickets.length).toBeGreaterThan(0);

    // No reload: the incident arrives through the live event stream.
    const row = page.locator("#incident-table tbody tr", { hasText: result.failure.rootCauseService });
    await row.first().waitFor({ timeout: 30_000 });
    await page.screenshot({ path: join(ARTIFACTS, "dashboard-incidents.png") });

    await page.goto(`${handle.urls.dashboard}/#/incidents/${encodeURIComponent(result.incident!.id)}`);
    const ticket = page.locator("#tickets .ticket-link").first();
    await ticket.waitFor();
    expect(await ticket.textContent()).toContain(result.tickets[0]!.externalId!);
    expect(await ticket.getAttribute("href")).toBe(result.tickets[0]!.externalUrl);
    expect((await page.locator("#rca .rca-cause").textContent())?.length).toBeGreaterThan(10);
    expect(await page.locator(".graph svg text.node-label").allTextContents()).toContain(result.failure.rootCauseService);
    await page.screenshot({ path: join(ARTIFACTS, "dashboard-incident.png") });

    const ticketPage = await browser.context.request.get(result.tickets[0]!.externalUrl!);
    expect(ticketPage.status()).toBe(200);
    expect(await ticketPage.text()).toContain(`# ${result.tickets[0]!.externalId}`);

    // The ticket's own links land where they say: the incident page, and its service's logs in its window.
    const ticketText = await ticketPage.text();
    const linkOf = (label: string) => new RegExp(`^- ${label}: (\\S+)$`, "m").exec(ticketText)?.[1];
    const dashboardLink = linkOf("Dashboard");
    const logsLink = linkOf("Logs");
    expect(dashboardLink).toBe(`${handle.urls.dashboard}/#/incidents/${encodeURIComponent(result.incident!.id)}`);
    await page.goto("about:blank");
    await page.goto(dashboardLink!);
    await page.locator("#rca .rca-cause").waitFor();
    expect(await page.locator("#tickets .ticket-link").first().textContent()).toContain(result.tickets[0]!.externalId!);
    expect(new URL(page.url()).hash).toBe(`#/incidents/${encodeURIComponent(result.incident!.id)}`);

    expect(logsLink).toBeDefined();
    const linkParams = new URLSearchParams(new URL(logsLink!).hash.split("?")[1]);
    const service = linkParams.get("service");
    expect(service).toBe(result.failure.rootCauseService);
    const [from, to] = [Date.parse(linkParams.get("from")!), Date.parse(linkParams.get("to")!)];
    await page.goto("about:blank");
    await page.goto(logsLink!);
    await page.locator("#log-table tr.log-row").first().waitFor();
    expect(await page.locator("#log-search input[name=from]").inputValue()).not.toBe("");
    const shown = (await page.locator("#log-table tr.log-details pre").allTextContents()).map((t) => JSON.parse(t) as { service: string; "@timestamp": string });
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.every((d) => d.service === service)).toBe(true);
    expect(shown.every((d) => Date.parse(d["@timestamp"]) >= from && Date.parse(d["@timestamp"]) <= to)).toBe(true);
    expect(await page.locator("#log-search select[name=service]").inputValue()).toBe(service);

    await page.goto(`${handle.urls.dashboard}/#/logs`);
    // The service-filtered view stays on screen until the unfiltered one renders: typing into it
    // before then would be lost with the form it belongs to.
    await expect.poll(() => page.locator("#log-search select[name=service]").inputValue(), { timeout: 30_000 }).toBe("");
    await page.locator("#log-search input[name=q]").fill("inventory");
    await page.locator("#log-search button[type=submit]").click();
    // The unfiltered list stays on screen until the search answer re-renders the table.
    const rowMessages = () => page.locator("#log-table tbody tr.log-row .message").allTextContents();
    await expect
      .poll(async () => {
        const messages = await rowMessages();
        return messages.length > 0 && messages.every((m) => m.toLowerCase().includes("inventory"));
      }, { timeout: 30_000 })
      .toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, "dashboard-logs.png") });

    await page.goto(`${handle.urls.dashboard}/#/services`);
    await page.locator(`.service-card[data-service="${result.failure.rootCauseService}"]`).waitFor();
    await page.screenshot({ path: join(ARTIFACTS, "dashboard-services.png"), fullPage: true });

    expect(offline).toEqual([]);
  });
});
