import type { Request, Response, Router } from "express";
import { InvalidCursorError, type LogExplorer, type LogSearch, type LogTail } from "../ports/stores";
import type { LogDocument } from "../../contracts/records";
import { matchesLogQuery, parseLogQuery } from "./log-query";
import { enumParam, intParam, isoParam, ParamError, rejectUnknown, severityParam, textParam } from "./params";

/** Largest page `/api/logs` returns; a bigger `limit` is answered 400, never silently cut. */
export const MAX_LOG_PAGE = 1000;
const DEFAULT_LOG_PAGE = 100;
/** Histogram resolution bounds: enough for a zoomable chart, few enough for one answer. */
const MAX_BUCKETS = 500;
const DEFAULT_BUCKETS = 60;
const MAX_CONTEXT = 200;
/** Records one tail event carries; the rest of a larger batch is reported as skipped, with its count. */
const MAX_TAIL_BATCH = 500;
const TAIL_HEARTBEAT_MS = 15_000;

export interface LogRoutesOptions {
  tenant: string;
  logs: LogExplorer;
  /** Source of newly stored documents for `/api/logs/tail`; without it the route answers 501. */
  tail?: LogTail;
  now: () => Date;
}

type Query = Record<string, unknown>;

/** The filters every log route shares (`q` in the query syntax, plus the contract's service/severity/from/to). */
function searchOf(query: Query, tenant: string): LogSearch {
  const from = isoParam(query, "from");
  const to = isoParam(query, "to");
  if (from && to && from > to) throw new ParamError("parameter from must not be after to");
  const q = textParam(query, "q", 2000);
  const parsed = q ? parseLogQuery(q) : { filters: [], terms: [] };
  return {
    tenant,
    ...parsed,
    service: textParam(query, "service", 200),
    severity: severityParam(query, "severity"),
    from,
    to,
    order: enumParam(query, "order", ["desc", "asc"] as const) ?? "desc",
    cursor: textParam(query, "cursor", 500),
    limit: intParam(query, "limit", 1, MAX_LOG_PAGE) ?? DEFAULT_LOG_PAGE,
  };
}

const FILTER_PARAMS = ["q", "service", "severity", "from", "to"];

/** `/logs`, `/logs/histogram`, `/logs/tail` and `/logs/:id/context` on the (authenticated) API router. */
export function addLogRoutes(api: Router, options: LogRoutesOptions): void {
  const { tenant, logs } = options;

  api.get("/logs", async (req: Request, res: Response) => {
    const query = req.query as Query;
    rejectUnknown(query, [...FILTER_PARAMS, "limit", "cursor", "order"]);
    const search = searchOf(query, tenant);
    try {
      const page = await logs.page(search);
      res.json({ logs: page.logs, total: page.total, nextCursor: page.nextCursor, limit: search.limit, order: search.order });
    } catch (err) {
      if (err instanceof InvalidCursorError) throw new ParamError(`parameter cursor: ${err.message}`);
      throw err;
    }
  });

  api.get("/logs/histogram", async (req: Request, res: Response) => {
    const query = req.query as Query;
    rejectUnknown(query, [...FILTER_PARAMS, "buckets"]);
    const search = searchOf(query, tenant);
    const to = search.to ?? options.now().toISOString();
    const from = search.from ?? new Date(Date.parse(to) - 3_600_000).toISOString();
    const buckets = intParam(query, "buckets", 1, MAX_BUCKETS) ?? DEFAULT_BUCKETS;
    const spanMs = Math.max(Date.parse(to) - Date.parse(from), 1);
    // Whole seconds, so bucket edges are readable and the same range always buckets the same way.
    const bucketMs = Math.max(1000, Math.ceil(spanMs / buckets / 1000) * 1000);
    const series = await logs.histogram({ ...search, from, to }, bucketMs);
    res.json({ from, to, bucketSeconds: bucketMs / 1000, buckets: series });
  });

  api.get("/logs/tail", (req: Request, res: Response) => {
    const query = req.query as Query;
    rejectUnknown(query, ["q", "service", "severity"]);
    const search = searchOf(query, tenant);
    if (!options.tail) {
      res.status(501).json({ error: "live tail is served by local mode; here, poll /api/logs with order=asc and a from bound" });
      return;
    }
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-store", connection: "keep-alive" });
    res.write(`event: ready\ndata: ${JSON.stringify({ at: options.now().toISOString() })}\n\n`);
    const accepts = (doc: LogDocument): boolean =>
      doc.tenant_id === tenant &&
      (!search.service || doc.service === search.service) &&
      (!search.severity || doc.severity_text === search.severity) &&
      matchesLogQuery(doc, search);
    const unsubscribe = options.tail.subscribe((documents) => {
      const matching = documents.filter(accepts);
      if (matching.length === 0) return;
      res.write(`event: logs\ndata: ${JSON.stringify(matching.slice(0, MAX_TAIL_BATCH))}\n\n`);
      if (matching.length > MAX_TAIL_BATCH) res.write(`event: skipped\ndata: ${JSON.stringify({ count: matching.length - MAX_TAIL_BATCH })}\n\n`);
    });
    const heartbeat = setInterval(() => res.write(": keep-alive\n\n"), TAIL_HEARTBEAT_MS);
    req.on("close", () => {
      clearInterval(heartbeat);
      unsubscribe();
    });
  });

  api.get("/logs/:id/context", async (req: Request, res: Response) => {
    const query = req.query as Query;
    rejectUnknown(query, ["before", "after"]);
    const before = intParam(query, "before", 0, MAX_CONTEXT) ?? 20;
    const after = intParam(query, "after", 0, MAX_CONTEXT) ?? 20;
    const context = await logs.context(tenant, req.params.id as string, before, after);
    if (!context) {
      res.status(404).json({ error: `log ${req.params.id} not found` });
      return;
    }
    res.json(context);
  });
}
