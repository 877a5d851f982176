import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_BACKOFF, parseRetryAfter, retryDelayMs } from "../../../runtime/ticketing";
import { buildHarness, Fakes, makeIncident, openSqliteTicketStore, TENANT, TestClock } from "./fixtures";

describe("outbox backoff", () => {
  it("doubles from the base, caps at the maximum, and prefers the platform's Retry-After", () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(DEFAULT_BACKOFF, n, null))).toEqual([1000, 2000, 4000, 8000]);
    expect(retryDelayMs(DEFAULT_BACKOFF, 30, null)).toBe(15 * 60_000);
    expect(retryDelayMs(DEFAULT_BACKOFF, 1, 120_000)).toBe(120_000);
    expect(retryDelayMs(DEFAULT_BACKOFF, 1, 24 * 3600_000)).toBe(15 * 60_000);
  });

  it("reads Retry-After as seconds or as an HTTP date", () => {
    const now = Date.parse("2026-11-22T04:00:00.000Z");
    expect(parseRetryAfter("30", now)).toBe(30_000);
    expect(parseRetryAfter("Sun, 22 Nov 2026 04:01:00 GMT", now)).toBe(60_000);
    expect(parseRetryAfter("soon", now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
  });

  it("fails an item for good after the last attempt, counted as attempts_exhausted", async () => {
    const fakes = await new Fakes().start();
    const dir = mkdtempSync(join(tmpdir(), "logclaw-backoff-"));
    const store = openSqliteTicketStore(dir);
    try {
      const clock = new TestClock();
      const tenant = fakes.tenant({ critical: ["zammad"], high: ["zammad"], medium: [], low: [] });
      const { agent, dispatcher, registry } = buildHarness({ tenant, store, fakes, clock, backoff: { baseMs: 1000, maxMs: 60_000, maxAttempts: 3 } });
      fakes.zammad.outage = { status: 502 };
      await agent.handle({ type: "opened", incident: makeIncident() });
      for (let i = 0; i < 3; i++) {
        await dispatcher.drain();
        clock.advance(60_000);
      }
      const [item] = await store.listOutbox(TENANT, {});
      expect(item).toMatchObject({ status: "failed", attempts: 3 });
      expect(item!.lastError).toContain("502");
      expect(fakes.zammad.requests).toHaveLength(3);
      expect(await registry.getSingleMetricAsString("logclaw_ticketing_delivery_failures_total")).toContain(
        'platform="zammad",action="create",reason="attempts_exhausted"} 1',
      );
    } finally {
      await store.close();
      await fakes.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
