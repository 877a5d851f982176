import type { IncidentSeverity } from "../../contracts/records";
import type { RecordCommentInput, RecordEventInput, RecordEventResult, TicketAction, TicketPayload, TicketRecord, TicketTarget } from "../../contracts/tickets";

const SEVERITY_RANK: Record<IncidentSeverity, number> = { low: 0, medium: 1, high: 2, critical: 3 };

export function maxSeverity(a: IncidentSeverity, b: IncidentSeverity): IncidentSeverity {
  return SEVERITY_RANK[a] >= SEVERITY_RANK[b] ? a : b;
}

export function ticketId(tenant: string, platform: TicketTarget, fingerprint: string): string {
  return `${tenant}:${platform}:${fingerprint}`;
}

/** Identifies one incident event, so a redelivered event (Kafka at-least-once, a restart) is a no-op. */
export function eventKey(input: RecordEventInput): string {
  const { incident } = input;
  return [input.type, incident.id, incident.occurrences, incident.lastSeen, incident.severity].join("|");
}

/** What a store must write: the next ticket state and the outbox item to enqueue, if any. */
export interface TicketDecision {
  ticket: TicketRecord | null;
  enqueue: { action: TicketAction; payload: TicketPayload } | null;
  result: RecordEventResult;
}

/**
 * The deduplication rule, shared by every {@link TicketStore}: the fingerprint decides. No live ticket
 * (none yet, resolved, or failed) => create; a live ticket => update (occurrence count, severity
 * only escalates); resolved event => resolve the live ticket. The same event twice changes nothing.
 */
export function decideTicketEvent(existing: TicketRecord | null, input: RecordEventInput): TicketDecision {
  const key = eventKey(input);
  const { incident, rca, now } = input;
  if (existing && existing.lastEventKey === key) {
    return { ticket: existing, enqueue: null, result: { ticket: existing, action: null, outcome: "duplicate_event" } };
  }
  const live = existing !== null && (existing.status === "pending" || existing.status === "open");

  if (input.type === "resolved") {
    if (!existing || !live) {
      return { ticket: existing, enqueue: null, result: { ticket: existing, action: null, outcome: "no_ticket" } };
    }
    const ticket: TicketRecord = { ...existing, status: "resolved", updatedAt: now, lastEventKey: key };
    const payload: TicketPayload = { incident, rca, occurrences: existing.occurrences, escalatedFrom: null };
    return { ticket, enqueue: { action: "resolve", payload }, result: { ticket, action: "resolve", outcome: "resolved" } };
  }

  if (!existing || !live) {
    const ticket: TicketRecord = {
      id: ticketId(input.tenant, input.platform, incident.fingerprint),
      tenant: input.tenant,
      platform: input.platform,
      fingerprint: incident.fingerprint,
      incidentId: incident.id,
      status: "pending",
      externalId: null,
      externalUrl: null,
      occurrences: 1,
      severity: incident.severity,
      createdAt: now,
      updatedAt: now,
      lastError: null,
      lastEventKey: key,
    };
    const payload: TicketPayload = { incident, rca, occurrences: 1, escalatedFrom: null };
    return { ticket, enqueue: { action: "create", payload }, result: { ticket, action: "create", outcome: "created" } };
  }

  const severity = maxSeverity(existing.severity, incident.severity);
  const escalatedFrom = severity !== existing.severity ? existing.severity : null;
  const ticket: TicketRecord = {
    ...existing,
    occurrences: existing.occurrences + 1,
    severity,
    updatedAt: now,
    lastEventKey: key,
  };
  const payload: TicketPayload = { incident: { ...incident, severity }, rca, occurrences: ticket.occurrences, escalatedFrom };
  return { ticket, enqueue: { action: "update", payload }, result: { ticket, action: "update", outcome: "updated" } };
}

/** Outbox item id of a workflow comment: one per ticket and action key, so enqueuing it twice is a no-op. */
export function commentItemId(ticket: string, commentKey: string): string {
  return `comment:${ticket}:${commentKey}`;
}

/**
 * A workflow comment goes to the live ticket of the incident's fingerprint (pending or open: a
 * pending ticket's comment waits behind its create in the outbox); none when there is no live ticket.
 */
export function commentPayload(existing: TicketRecord | null, input: RecordCommentInput): TicketPayload | null {
  if (!existing || (existing.status !== "pending" && existing.status !== "open")) return null;
  return { incident: input.incident, rca: input.rca, occurrences: existing.occurrences, escalatedFrom: null, comment: input.comment };
}
