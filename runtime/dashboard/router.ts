import express, { type Request, type Response, type Router } from "express";
import { readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import type { ServiceBucket, ServiceLogStats } from "../store/sqlite/logs";
import type { LiveFeed } from "./live-feed";

/** Where the browser app lives; served as-is, no build step. */
export const DASHBOARD_STATIC_DIR = join(__dirname, "static");
/** uPlot's browser build (`uPlot.iife.min.js`, `uPlot.min.css`) from its npm package. */
const UPLOT_DIR = dirname(require.resolve("uplot/dist/uPlot.iife.min.js"));

/** The per-service aggregates the overview needs (the SQLite log store provides them). */
export interface ServiceStatsSource {
  serviceStats(from: string, to: string): ServiceLogStats[];
  serviceBuckets(from: string, to: string, bucketMs: number): ServiceBucket[];
}

export interface DashboardRouterOptions {
  stats: ServiceStatsSource;
  feed: LiveFeed;
  /** How often open event streams get a stats snapshot. */
  statsIntervalMs: number;
  /** Local mode's ticket folder, served under /tickets; null when tickets go to platforms only. */
  ticketsDir: string | null;
  /** Wall clock: the overview covers the last N minutes up to now. */
  now: () => Date;
}

const BUCKETS = 30;

/**
 * The web dashboard: its static app, `/api/overview` (per-service error rates) and `/api/events`
 * (server-sent events). The contract API (`/api/incidents`, `/api/logs`, ...) is mounted beside it.
 */
export function createDashboardRouter(options: DashboardRouterOptions): Router {
  const router = express.Router();

  router.get("/api/overview", (req: Request, res: Response) => {
    const minutes = Math.min(Math.max(Number(req.query.minutes ?? 60) || 60, 1), 7 * 24 * 60);
    const to = options.now();
    const from = new Date(to.getTime() - minutes * 60_000);
    const bucketMs = Math.max(1000, Math.floor((minutes * 60_000) / BUCKETS));
    const buckets = options.stats.serviceBuckets(from.toISOString(), to.toISOString(), bucketMs);
    const firstBucket = Math.floor(from.getTime() / bucketMs) * bucketMs;
    const services = options.stats.serviceStats(from.toISOString(), to.toISOString()).map((s) => {
      // Dense series: empty buckets are zeros, so every sparkline spans the same time axis.
      const series = Array.from({ length: BUCKETS + 1 }, (_, i) => ({ at: new Date(firstBucket + i * bucketMs).toISOString(), total: 0, errors: 0 }));
      for (const b of buckets) {
        if (b.service !== s.service) continue;
        const slot = series[Math.round((Date.parse(b.at) - firstBucket) / bucketMs)];
        if (slot) {
          slot.total = b.total;
          slot.errors = b.errors;
        }
      }
      return { ...s, errorRate: s.total > 0 ? s.errors / s.total : 0, buckets: series };
    });
    res.json({ from: from.toISOString(), to: to.toISOString(), minutes, bucketSeconds: bucketMs / 1000, services, stats: options.feed.stats() });
  });

  router.get("/api/events", (req: Request, res: Response) => {
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-store", connection: "keep-alive" });
    const send = (event: string, data: unknown): void => {
      res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    send("stats", options.feed.stats());
    const timer = setInterval(() => send("stats", options.feed.stats()), options.statsIntervalMs);
    const unsubscribe = options.feed.subscribe((event) => send(event.type, event));
    req.on("close", () => {
      clearInterval(timer);
      unsubscribe();
    });
  });

  if (options.ticketsDir) {
    const ticketsDir = options.ticketsDir;
    // The folder itself: one link per ticket file, newest first (the README points users here).
    router.get("/tickets/", (_req: Request, res: Response) => {
      let files: { name: string; mtimeMs: number }[] = [];
      try {
        files = readdirSync(ticketsDir)
          .filter((f) => f.endsWith(".md"))
          .map((name) => ({ name, mtimeMs: statSync(join(ticketsDir, name)).mtimeMs }))
          .sort((a, b) => b.mtimeMs - a.mtimeMs || (a.name < b.name ? -1 : 1));
      } catch {
        // No ticket written yet: the folder does not exist.
      }
      const esc = (t: string) => t.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
      const items = files.map((f) => `<li><a href="/tickets/${encodeURIComponent(f.name)}">${esc(f.name)}</a></li>`).join("\n");
      res
        .type("html")
        .send(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>LogClaw tickets</title></head><body><h1>Tickets</h1>${files.length > 0 ? `<ul>\n${items}\n</ul>` : "<p>No tickets yet.</p>"}</body></html>`);
    });
    router.use(
      "/tickets",
      express.static(ticketsDir, {
        index: false,
        setHeaders: (res) => res.setHeader("content-type", "text/plain; charset=utf-8"),
      }),
    );
  }
  // The charting library, served from the installed package: no CDN, works offline.
  router.use("/assets/vendor/uplot", express.static(UPLOT_DIR, { index: false, maxAge: "1h" }));
  router.use("/assets", express.static(DASHBOARD_STATIC_DIR, { index: false, maxAge: 0 }));
  router.get("/", (_req: Request, res: Response) => {
    res.sendFile(join(DASHBOARD_STATIC_DIR, "index.html"));
  });

  return router;
}
