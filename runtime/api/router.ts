import express, { type NextFunction, type Request, type Response, type Router } from "express";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import type { IncidentStore, LogExplorer, LogTail, SpanStore, WorkflowStore } from "../ports/stores";
import type { DetectionFeedback, Incident, SpanDocument } from "../../contracts/records";
import { addWorkflowRoutes, withWorkflow } from "./workflow-routes";
import type { TicketStore } from "../ports/ticket-store";
import type { TicketComment, TicketStatus } from "../../contracts/tickets";
import { isAuthorized, refuse } from "./access";
import { waterfallOrder } from "./waterfall";
import { incidentSeries } from "./incident-series";
import { addLogRoutes } from "./logs-routes";
import { enumParam, intParam, isoParam, ParamError, rejectUnknown, textParam } from "./params";

export interface ReadinessReport {
  ready: boolean;
  /** Per dependency: `ok` or the reason it is not. */
  checks: Record<string, string>;
}

export interface ApiRouterOptions {
  /** Every answer is limited to this tenant's data. */
  tenant: string;
  incidents: IncidentStore;
  logs: LogExplorer;
  /** Newly stored documents for `/api/logs/tail` (local mode); absent: the tail answers 501. */
  logTail?: LogTail;
  spans: SpanStore;
  /** Null where no ticketing runs: incidents then come without RCA and tickets. */
  tickets: TicketStore | null;
  /** Key for `/api/*` (bearer, `x-logclaw-api-key` or the login cookie); null turns authentication off (local mode without a key). */
  authToken: string | null;
  registry: Registry;
  /** Readiness of the dependencies; default: always ready. */
  readiness?: () => Promise<ReadinessReport>;
  /** Acknowledge, assign, notes, snooze and verdicts (`POST /api/incidents/:id/...`). */
  workflow: WorkflowStore;
  /**
   * Called by `POST /api/incidents/:id/resolve` (and `not-an-incident`) with the incident marked
   * resolved, after it is stored; the ticketing agent propagates the resolution to the platforms from here.
   */
  onResolve?: (incident: Incident) => Promise<void>;
  /** Acknowledge, assign, note and snooze, after they are stored: the ticketing agent comments on the live tickets. */
  onComment?: (incident: Incident, comment: TicketComment) => Promise<void>;
  /** "Not an incident" verdicts (and their undoing) for detection; local mode hands them to its pipeline. */
  onFeedback?: (feedback: DetectionFeedback) => Promise<void> | void;
  now?: () => Date;
  /** Where unexpected errors (answered 500) are logged. */
  logger?: Logger;
}

const TICKET_STATUSES: readonly TicketStatus[] = ["pending", "open", "resolved", "failed"];
const TRACE_ID = /^[0-9a-f]{32}$/;
/** Exemplar traces one incident answer holds at most: enough to compare, few enough to draw. */
export const MAX_EXEMPLAR_TRACES = 5;

/**
 * The contract HTTP API (ARCHITECTURE.md) as a router: the ticketing agent serves it in the tenant
 * namespace, local mode mounts it beside the dashboard. JSON only; `/api/*` needs the bearer token
 * when one is configured; probes and metrics stay open for the kubelet and Prometheus.
 */
export function createApiRouter(options: ApiRouterOptions): Router {
  const { tenant, incidents, logs, spans, tickets, registry, workflow } = options;
  const now = options.now ?? (() => new Date());
  const router = express.Router();

  router.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });

  router.get("/readyz", async (_req, res) => {
    const report = options.readiness ? await options.readiness() : { ready: true, checks: {} };
    res.status(report.ready ? 200 : 503).json({ status: report.ready ? "ready" : "not ready", checks: report.checks });
  });

  router.get("/metrics", async (_req, res) => {
    res.type(registry.contentType).send(await registry.metrics());
  });

  const api = express.Router();
  api.use((req: Request, res: Response, next: NextFunction) => {
    if (options.authToken && !isAuthorized(req, options.authToken)) {
      refuse(res);
      return;
    }
    next();
  });

  const ownIncident = async (id: string): Promise<Incident | null> => {
    const incident = await incidents.get(id);
    // Another tenant's incident does not exist as far as this API is concerned.
    return incident && incident.tenant === tenant ? incident : null;
  };

  api.get("/incidents", async (req, res) => {
    const query = req.query as Record<string, unknown>;
    rejectUnknown(query, ["since", "limit"]);
    const since = isoParam(query, "since");
    const limit = intParam(query, "limit", 1, 1000) ?? 100;
    const list = (await incidents.list({ since, limit })).filter((i) => i.tenant === tenant);
    const workflows = new Map((await workflow.many(tenant, list.map((i) => i.id))).map((w) => [w.incidentId, w]));
    res.json({ incidents: list.map((i) => withWorkflow(i, workflows.get(i.id))) });
  });

  api.get("/incidents/:id", async (req, res) => {
    rejectUnknown(req.query as Record<string, unknown>, []);
    const incident = await ownIncident(req.params.id as string);
    if (!incident) {
      res.status(404).json({ error: `incident ${req.params.id} not found` });
      return;
    }
    const [rca, ticketList] = tickets
      ? await Promise.all([tickets.getAnalysis(tenant, incident.id), tickets.listTickets(tenant, { fingerprint: incident.fingerprint })])
      : [null, []];
    res.json({ incident: withWorkflow(incident, await workflow.get(tenant, incident.id)), rca, tickets: ticketList });
  });

  const ownTrace = async (traceId: string): Promise<SpanDocument[]> => waterfallOrder((await spans.trace(traceId)).filter((s) => s.tenant_id === tenant));

  // The incident's exemplar traces: the first of its trace ids whose spans are stored, each whole.
  api.get("/incidents/:id/traces", async (req, res) => {
    rejectUnknown(req.query as Record<string, unknown>, []);
    const incident = await ownIncident(req.params.id as string);
    if (!incident) {
      res.status(404).json({ error: `incident ${req.params.id} not found` });
      return;
    }
    const traces: { traceId: string; spans: SpanDocument[] }[] = [];
    for (const traceId of incident.traceIds) {
      if (traces.length >= MAX_EXEMPLAR_TRACES) break;
      const found = await ownTrace(traceId);
      if (found.length > 0) traces.push({ traceId, spans: found });
    }
    res.json({ incident: incident.id, traceIds: incident.traceIds, traces });
  });

  api.get("/incidents/:id/series", async (req, res) => {
    rejectUnknown(req.query as Record<string, unknown>, []);
    const incident = await ownIncident(req.params.id as string);
    if (!incident) {
      res.status(404).json({ error: `incident ${req.params.id} not found` });
      return;
    }
    res.json(await incidentSeries(logs, incident, now().getTime()));
  });

  addWorkflowRoutes(api, { tenant, incidents, workflow, tickets, registry, onResolve: options.onResolve, onComment: options.onComment, onFeedback: options.onFeedback, now });

  api.get("/tickets", async (req, res) => {
    const query = req.query as Record<string, unknown>;
    rejectUnknown(query, ["status", "incident", "limit", "outbox"]);
    const status = enumParam(query, "status", TICKET_STATUSES);
    const incidentId = textParam(query, "incident", 200);
    const limit = intParam(query, "limit", 1, 1000) ?? 100;
    const outbox = enumParam(query, "outbox", ["pending", "delivered", "failed"] as const);
    if (!tickets) {
      res.json({ tickets: [], outbox: [] });
      return;
    }
    const [ticketList, outboxItems] = await Promise.all([
      tickets.listTickets(tenant, { status, incidentId, limit }),
      // Permanent failures are always listed: an undeliverable ticket must be visible, never silent.
      tickets.listOutbox(tenant, { status: outbox ?? "failed", limit }),
    ]);
    res.json({
      tickets: ticketList,
      outbox: outboxItems.map(({ payload, ...item }) => ({ ...item, incidentId: payload.incident.id })),
      counts: await tickets.countOutbox(tenant),
    });
  });

  addLogRoutes(api, { tenant, logs, tail: options.logTail, now });

  // One trace's spans in waterfall order (each span after its parent, siblings by start).
  api.get("/traces/:traceId", async (req, res) => {
    rejectUnknown(req.query as Record<string, unknown>, []);
    const traceId = String(req.params.traceId).toLowerCase();
    if (!TRACE_ID.test(traceId)) throw new ParamError("trace id must be 32 hexadecimal digits");
    const found = await ownTrace(traceId);
    if (found.length === 0) {
      res.status(404).json({ error: `trace ${traceId} not found` });
      return;
    }
    res.json({ traceId, spans: found });
  });

  api.use((_req, res) => {
    res.status(404).json({ error: "not found" });
  });
  router.use("/api", api);

  router.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    if (err instanceof ParamError) {
      res.status(400).json({ error: err.message });
      return;
    }
    options.logger?.error({ err: (err as Error).message }, "API request failed");
    res.status(500).json({ error: "internal error" });
  });
  return router;
}
