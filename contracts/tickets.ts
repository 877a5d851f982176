import type { PlatformName } from "./tenant/schema";
import type { Incident, IncidentSeverity, WorkflowAction } from "./records";

/**
 * Local mode's own delivery target: one Markdown file per ticket in a folder. It is no tenant-file
 * platform (that list is a contract of real SaaS platforms), only a place the agent can deliver to.
 */
export const LOCAL_FOLDER_TARGET = "local-folder";

/** Where the agent delivers a ticket: a platform of the tenant file, or local mode's ticket folder. */
export type TicketTarget = PlatformName | typeof LOCAL_FOLDER_TARGET;

/** A root-cause analysis attached to an incident: from the LLM, or from the deterministic rules. */
export interface RootCauseAnalysis {
  rootCause: string;
  evidence: string[];
  affectedServices: string[];
  suggestedFix: string;
  /** In [0,1]. */
  confidence: number;
  source: "llm" | "rules";
  /** Model name when `source` is `llm`. */
  model: string | null;
  /** Why the rules answered although an LLM is configured (timeout, malformed, circuit_open, error). */
  fallbackReason: string | null;
  generatedAt: string;
  /** The root cause and blast radius it was written for (absent in older analyses): a change makes a new one. */
  scope?: string;
}

export type TicketAction = "create" | "update" | "resolve" | "comment";

/**
 * A workflow action (acknowledge, assign, note, snooze) as a comment on the incident's live ticket.
 * `key` identifies the action (incident id + its place in the workflow history): the store enqueues
 * one comment per key and per ticket, and a retried delivery looks for it on the platform first.
 */
export interface TicketComment {
  key: string;
  action: WorkflowAction["action"];
  by: string;
  at: string;
  text: string;
}

/**
 * Lifecycle of one platform ticket for one fingerprint: `pending` until the create is delivered,
 * `open` once the platform holds it, `resolved` once a resolution was enqueued, `failed` when the
 * create failed for good (the next occurrence tries a fresh create).
 */
export type TicketStatus = "pending" | "open" | "resolved" | "failed";

/** One ticket on one platform; (tenant, platform, fingerprint) is unique among live tickets. */
export interface TicketRecord {
  /** Deterministic: `${tenant}:${platform}:${fingerprint}`. */
  id: string;
  tenant: string;
  platform: TicketTarget;
  fingerprint: string;
  /** The incident that opened (or last reopened) the ticket. */
  incidentId: string;
  status: TicketStatus;
  /** Platform identifier (Jira key, ServiceNow sys_id, Zammad id, PagerDuty dedup_key, OpsGenie alias). */
  externalId: string | null;
  externalUrl: string | null;
  /** Incident events folded into this ticket (1 on create). */
  occurrences: number;
  /** Highest severity seen; only ever escalates while the ticket lives. */
  severity: IncidentSeverity;
  createdAt: string;
  updatedAt: string;
  lastError: string | null;
  /** Key of the last incident event folded in; a redelivered event (same key) changes nothing. */
  lastEventKey: string;
}

/** What an outbox item carries to the platform: everything needed to render the ticket. */
export interface TicketPayload {
  incident: Incident;
  rca: RootCauseAnalysis;
  occurrences: number;
  /** Severity before this event, when it escalated. */
  escalatedFrom: IncidentSeverity | null;
  /** Set on `comment` items only. */
  comment?: TicketComment;
}

export type OutboxStatus = "pending" | "delivered" | "failed";

/** One platform call to make; persisted before any attempt so nothing is lost on a crash. */
export interface OutboxItem {
  id: string;
  /** Monotonic per store: items of one ticket are delivered in this order. */
  seq: number;
  tenant: string;
  ticketId: string;
  platform: TicketTarget;
  fingerprint: string;
  action: TicketAction;
  payload: TicketPayload;
  /**
   * The platform id of the ticket generation this item belongs to: copied from the ticket when the
   * item is enqueued, filled in when that generation's create is delivered (a fingerprint that
   * reopens after a resolve gets a new generation, and the old one's resolve must not touch it).
   */
  externalId: string | null;
  status: OutboxStatus;
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
}

/** A claimed item with the ticket as it is now (the external id a later update needs). */
export interface ClaimedItem {
  item: OutboxItem;
  ticket: TicketRecord;
}

export type IncidentEventType = "opened" | "updated" | "resolved";

export interface RecordEventInput {
  tenant: string;
  platform: TicketTarget;
  type: IncidentEventType;
  incident: Incident;
  rca: RootCauseAnalysis;
  now: string;
}

export interface RecordCommentInput {
  tenant: string;
  platform: TicketTarget;
  incident: Incident;
  rca: RootCauseAnalysis;
  comment: TicketComment;
  now: string;
}

export interface RecordCommentResult {
  ticket: TicketRecord | null;
  /** `no_ticket`: no live ticket on this platform; `duplicate_comment`: this key was enqueued before. */
  outcome: "commented" | "duplicate_comment" | "no_ticket";
}

export interface RecordEventResult {
  ticket: TicketRecord | null;
  /** The outbox action enqueued, or null when nothing was due (redelivery, resolve of no ticket). */
  action: TicketAction | null;
  outcome: "created" | "updated" | "resolved" | "duplicate_event" | "no_ticket";
}

export interface TicketQuery {
  incidentId?: string;
  fingerprint?: string;
  status?: TicketStatus;
  limit?: number;
}

export interface OutboxQuery {
  status?: OutboxStatus;
  limit?: number;
}

export interface DeliveredResult {
  externalId?: string;
  externalUrl?: string;
}
