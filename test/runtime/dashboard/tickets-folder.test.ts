import express from "express";
import { mkdtempSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createDashboardRouter, LiveFeed } from "../../../runtime/dashboard";

describe("the tickets folder", () => {
  it("answers /tickets/ with a link to every ticket, and serves each ticket", async () => {
    const dir = mkdtempSync(join(tmpdir(), "logclaw-tickets-"));
    writeFileSync(join(dir, "LOCAL-1-checkout-api.md"), "# Database errors in checkout-api\n");
    const feed = new LiveFeed(() => ({ tenant: "t", logs: 0, logsPerSecond: 0, incidents: 0, openIncidents: 0, tickets: 0, rejected: 0, refused: 0 }));
    const app = express().use(
      createDashboardRouter({ stats: { serviceStats: () => [], serviceBuckets: () => [] }, feed, statsIntervalMs: 1000, ticketsDir: dir, now: () => new Date() }),
    );
    const server = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const index = await fetch(`${base}/tickets/`);
      expect(index.status).toBe(200);
      expect(await index.text()).toContain('<a href="/tickets/LOCAL-1-checkout-api.md">LOCAL-1-checkout-api.md</a>');
      const ticket = await fetch(`${base}/tickets/LOCAL-1-checkout-api.md`);
      expect(await ticket.text()).toContain("Database errors in checkout-api");
    } finally {
      server.close();
    }
  });
});
