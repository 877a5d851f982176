import express, { type Request, type Response, type Router } from "express";
import { Gauge, type Registry } from "prom-client";
import type { DetectionFeedback, Incident, IncidentWorkflow } from "../../contracts/records";
import type { IncidentStore, WorkflowStore } from "../ports/stores";
import type { TicketStore } from "../ports/ticket-store";
import type { TicketComment } from "../../contracts/tickets";
import { rejectUnknown } from "./params";
import { applyWorkflowAction, emptyWorkflow, parseBody, workflowComment, type WorkflowActionName } from "./workflow";

export interface WorkflowRoutesOptions {
  tenant: string;
  incidents: IncidentStore;
  workflow: WorkflowStore;
  tickets: TicketStore | null;
  registry: Registry;
  /** After an incident is stored resolved (resolve, not an incident): the ticketing agent closes its tickets. */
  onResolve?: (incident: Incident) => Promise<void>;
  /** After acknowledge, assign, note or snooze is stored: the ticketing agent comments on the incident's live tickets. */
  onComment?: (incident: Incident, comment: TicketComment) => Promise<void>;
  /** A "not an incident" verdict or its undoing, for detection (local mode: the in-process pipeline). */
  onFeedback?: (feedback: DetectionFeedback) => Promise<void> | void;
  now: () => Date;
}

/** URL segment -> action. */
const ROUTES: Record<string, WorkflowActionName> = {
  acknowledge: "acknowledge",
  assign: "assign",
  notes: "note",
  snooze: "snooze",
  resolve: "resolve",
  "not-an-incident": "not_an_incident",
  confirm: "confirm",
};

/** The incident with its workflow attached (the added `workflow` field of the Incident contract). */
export function withWorkflow(incident: Incident, workflow: IncidentWorkflow | null | undefined): Incident {
  return workflow ? { ...incident, workflow } : incident;
}

/**
 * `POST /incidents/:id/{acknowledge,assign,notes,snooze,resolve,not-an-incident,confirm}` with a JSON
 * body, and the verdict counts on /metrics. Workflows are stored apart from incidents, so the
 * bridge's next update of an incident never erases what people did with it.
 */
export function addWorkflowRoutes(api: Router, options: WorkflowRoutesOptions): void {
  const { tenant, incidents, workflow, tickets, now } = options;

  new Gauge({
    name: "logclaw_incident_verdicts",
    help: "Incidents people judged, by verdict: confirmed (acknowledged, assigned or confirmed) or dismissed (not an incident).",
    labelNames: ["verdict"],
    registers: [options.registry],
    async collect() {
      const judged = await workflow.withVerdict(tenant);
      this.set({ verdict: "confirmed" }, judged.filter((w) => w.verdict === "confirmed").length);
      this.set({ verdict: "dismissed" }, judged.filter((w) => w.verdict === "not_an_incident").length);
    },
  });

  const json = express.json({ limit: "16kb" });
  for (const [segment, action] of Object.entries(ROUTES)) {
    api.post(`/incidents/:id/${segment}`, json, async (req: Request, res: Response) => {
      rejectUnknown(req.query as Record<string, unknown>, []);
      const body = parseBody(action, req.body);
      const found = await incidents.get(req.params.id as string);
      // Another tenant's incident does not exist as far as this API is concerned.
      if (!found || found.tenant !== tenant) {
        res.status(404).json({ error: `incident ${req.params.id} not found` });
        return;
      }
      const nowIso = now().toISOString();
      const before = (await workflow.get(tenant, found.id)) ?? emptyWorkflow(found, nowIso);
      const after = applyWorkflowAction(before, found, action, body, nowIso);
      let incident = found;
      if ((action === "resolve" || action === "not_an_incident") && found.status !== "resolved") {
        incident = { ...found, status: "resolved", resolvedAt: nowIso };
        await incidents.upsert(incident);
      }
      await workflow.save(after);
      if (action === "not_an_incident" && after.dismissed) {
        await options.onFeedback?.({ tenant, fingerprint: found.fingerprint, incidentId: found.id, kind: "dismissed", ...after.dismissed });
      }
      if (action === "confirm" && before.verdict === "not_an_incident") {
        await options.onFeedback?.({ tenant, fingerprint: found.fingerprint, incidentId: found.id, kind: "lifted", peakErrors: 0, services: [] });
      }
      if (action === "resolve" || action === "not_an_incident") await options.onResolve?.(incident);
      const comment = workflowComment(after, action === "note" ? (body as { text: string }).text : undefined);
      if (comment) await options.onComment?.(incident, comment);
      const ticketList = tickets ? await tickets.listTickets(tenant, { fingerprint: incident.fingerprint }) : [];
      res.json({ incident: withWorkflow(incident, after), tickets: ticketList });
    });
  }
}
