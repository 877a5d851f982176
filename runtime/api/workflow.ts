import { z } from "zod";
import type { Incident, IncidentWorkflow, WorkflowAction } from "../../contracts/records";
import type { TicketComment } from "../../contracts/tickets";
import { ParamError } from "./params";

/** The longest snooze: beyond it an incident is better resolved or dismissed than hidden. */
export const MAX_SNOOZE_MS = 30 * 86_400_000;

const by = z.string().trim().min(1).max(200).optional();
const iso = z.string().refine((v) => !Number.isNaN(Date.parse(v)) && /^\d{4}-\d{2}-\d{2}T/.test(v), "must be an ISO-8601 time such as 2026-01-31T12:00:00Z");

/** Request bodies of the workflow routes, by action. */
export const WORKFLOW_BODIES = {
  acknowledge: z.object({ by }).strict(),
  assign: z.object({ owner: z.string().trim().min(1).max(200).nullable(), by }).strict(),
  note: z.object({ text: z.string().trim().min(1).max(4000), by }).strict(),
  snooze: z.object({ until: iso.nullable(), by }).strict(),
  resolve: z.object({ by }).strict(),
  not_an_incident: z.object({ reason: z.string().trim().min(1).max(1000), by }).strict(),
  confirm: z.object({ by }).strict(),
} as const;

export type WorkflowActionName = keyof typeof WORKFLOW_BODIES;
export type WorkflowBody<A extends WorkflowActionName> = z.output<(typeof WORKFLOW_BODIES)[A]>;

/** Validates a body; the error names the field, in one line. */
export function parseBody<A extends WorkflowActionName>(action: A, body: unknown): WorkflowBody<A> {
  const result = WORKFLOW_BODIES[action].safeParse(body ?? {});
  if (result.success) return result.data as WorkflowBody<A>;
  const issue = result.error.issues[0];
  const field = issue.path.join(".") || (issue.code === "unrecognized_keys" ? issue.keys.join(", ") : "body");
  throw new ParamError(`body field ${field}: ${issue.message}`);
}

export function emptyWorkflow(incident: Incident, now: string): IncidentWorkflow {
  return {
    incidentId: incident.id,
    tenant: incident.tenant,
    fingerprint: incident.fingerprint,
    acknowledgedAt: null,
    acknowledgedBy: null,
    assignee: null,
    snoozedUntil: null,
    verdict: null,
    verdictReason: null,
    verdictAt: null,
    notes: [],
    history: [],
    dismissed: null,
    updatedAt: now,
  };
}

/** Every service a dismissed incident reached: growth beyond them reopens it. */
export function servicesOf(incident: Incident): string[] {
  return [...new Set([incident.rootCauseService, incident.service, ...incident.affectedServices])].sort();
}

/**
 * Applies one action to a workflow (pure: returns a new record). Acknowledging or assigning an
 * incident without a verdict confirms it: someone took it on as real.
 */
export function applyWorkflowAction<A extends WorkflowActionName>(
  current: IncidentWorkflow,
  incident: Incident,
  action: A,
  body: WorkflowBody<A>,
  nowIso: string,
): IncidentWorkflow {
  const w: IncidentWorkflow = structuredClone(current);
  const actor = body.by ?? "api";
  let detail: string | null = null;
  const confirm = () => {
    if (w.verdict !== null) return;
    w.verdict = "confirmed";
    w.verdictAt = nowIso;
  };
  switch (action) {
    case "acknowledge":
      w.acknowledgedAt ??= nowIso;
      w.acknowledgedBy ??= actor;
      confirm();
      break;
    case "assign": {
      const owner = (body as WorkflowBody<"assign">).owner;
      w.assignee = owner;
      detail = owner ?? "unassigned";
      if (owner !== null) confirm();
      break;
    }
    case "note": {
      const text = (body as WorkflowBody<"note">).text;
      w.notes.push({ at: nowIso, author: actor, text });
      detail = text.length > 200 ? `${text.slice(0, 197)}...` : text;
      break;
    }
    case "snooze": {
      const until = (body as WorkflowBody<"snooze">).until;
      if (until !== null) {
        const ms = Date.parse(until);
        const now = Date.parse(nowIso);
        if (ms <= now) throw new ParamError("body field until: must be in the future");
        if (ms - now > MAX_SNOOZE_MS) throw new ParamError("body field until: at most 30 days ahead");
      }
      w.snoozedUntil = until === null ? null : new Date(Date.parse(until)).toISOString();
      detail = w.snoozedUntil ?? "unsnoozed";
      break;
    }
    case "resolve":
      break;
    case "not_an_incident": {
      const reason = (body as WorkflowBody<"not_an_incident">).reason;
      w.verdict = "not_an_incident";
      w.verdictReason = reason;
      w.verdictAt = nowIso;
      w.dismissed = { peakErrors: incident.peakErrors ?? incident.sampleLogIds.length, services: servicesOf(incident) };
      detail = reason;
      break;
    }
    case "confirm":
      w.verdict = "confirmed";
      w.verdictReason = null;
      w.verdictAt = nowIso;
      w.dismissed = null;
      break;
  }
  const entry: WorkflowAction = { at: nowIso, by: actor, action, detail };
  w.history.push(entry);
  w.updatedAt = nowIso;
  return w;
}

/** The actions that become a ticket comment; resolve and "not an incident" close the ticket instead. */
const COMMENTED: ReadonlySet<WorkflowAction["action"]> = new Set(["acknowledge", "assign", "note", "snooze"]);

/**
 * The last action of `workflow` as a ticket comment, or null when it is not commented. The key is
 * the incident id and the action's place in the history: stable for that action, new for the next.
 */
export function workflowComment(workflow: IncidentWorkflow, noteText?: string): TicketComment | null {
  const index = workflow.history.length - 1;
  const last = workflow.history[index];
  if (!last || !COMMENTED.has(last.action)) return null;
  const text = {
    acknowledge: () => `acknowledged by ${last.by}`,
    assign: () => (last.detail === "unassigned" ? `unassigned by ${last.by}` : `assigned to ${last.detail} by ${last.by}`),
    // The history keeps a short form; the ticket gets the whole note.
    note: () => `note by ${last.by}: ${noteText ?? last.detail ?? ""}`,
    snooze: () => (last.detail === "unsnoozed" ? `unsnoozed by ${last.by}` : `snoozed until ${last.detail} by ${last.by}`),
  }[last.action as "acknowledge" | "assign" | "note" | "snooze"]();
  return { key: `${workflow.incidentId}#${index + 1}`, action: last.action, by: last.by, at: last.at, text };
}
