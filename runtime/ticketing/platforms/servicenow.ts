import type { IncidentSeverity } from "../../../contracts/records";
import type { DeliveredResult, TicketComment } from "../../../contracts/tickets";
import type { PlatformClient, TicketRef } from "./client";
import { commentMarker, commentNote, renderText, resolveNote, truncate, updateNote, type TicketContent } from "./content";
import { DeliveryError } from "./errors";
import { basicAuth, sendJson } from "./http";
import { requireId } from "./jira";

export interface ServiceNowOptions {
  instanceUrl: string;
  assignmentGroup?: string;
  username: string;
  password: string;
  timeoutMs: number;
}

/** Urgency and impact (1 high .. 3 low); the instance's priority lookup derives P1..P5 from them. */
export const SERVICENOW_URGENCY_IMPACT: Record<IncidentSeverity, { urgency: string; impact: string }> = {
  critical: { urgency: "1", impact: "1" },
  high: { urgency: "1", impact: "2" },
  medium: { urgency: "2", impact: "2" },
  low: { urgency: "3", impact: "3" },
};

/** Incident state "Resolved" in the base system. */
const STATE_RESOLVED = "6";

/** ServiceNow Table API on the `incident` table; `correlation_id` holds the fingerprint. */
export class ServiceNowClient implements PlatformClient {
  readonly platform = "servicenow" as const;
  private readonly base: string;
  private readonly auth: string;

  constructor(private readonly options: ServiceNowOptions) {
    this.base = options.instanceUrl.replace(/\/+$/, "");
    this.auth = basicAuth(options.username, options.password);
  }

  private call(method: "GET" | "POST" | "PATCH", path: string, body?: unknown) {
    return sendJson({ method, url: `${this.base}${path}`, headers: { Authorization: this.auth }, body, timeoutMs: this.options.timeoutMs });
  }

  private result(sysId: string): DeliveredResult {
    return { externalId: sysId, externalUrl: `${this.base}/nav_to.do?uri=incident.do?sys_id=${sysId}` };
  }

  async create(content: TicketContent): Promise<DeliveredResult> {
    const response = await this.call("POST", "/api/now/table/incident?sysparm_fields=sys_id,number", {
      short_description: truncate(content.title, 160),
      description: `${content.summary}\n\n${renderText(content)}`,
      ...SERVICENOW_URGENCY_IMPACT[content.severity],
      category: "software",
      correlation_id: content.fingerprint,
      correlation_display: "LogClaw",
      ...(this.options.assignmentGroup ? { assignment_group: this.options.assignmentGroup } : {}),
    });
    const sysId = (response.json as { result?: { sys_id?: unknown } } | null)?.result?.sys_id;
    if (typeof sysId !== "string") throw new DeliveryError("ServiceNow create answered without a sys_id", true, "invalid_response");
    return this.result(sysId);
  }

  async findOpen(fingerprint: string): Promise<DeliveredResult | null> {
    const query = new URLSearchParams({
      sysparm_query: `correlation_id=${fingerprint}^active=true`,
      sysparm_fields: "sys_id,number",
      sysparm_limit: "1",
    });
    const response = await this.call("GET", `/api/now/table/incident?${query.toString()}`);
    const sysId = (response.json as { result?: { sys_id?: unknown }[] } | null)?.result?.[0]?.sys_id;
    return typeof sysId === "string" ? this.result(sysId) : null;
  }

  async update(ref: TicketRef, content: TicketContent): Promise<void> {
    await this.call("PATCH", `/api/now/table/incident/${encodeURIComponent(requireId(ref))}`, {
      work_notes: updateNote(content),
      ...(content.escalatedFrom ? SERVICENOW_URGENCY_IMPACT[content.severity] : {}),
    });
  }

  /** Work notes are the incident's internal journal: the field takes one entry per write. */
  async comment(ref: TicketRef, comment: TicketComment): Promise<void> {
    await this.call("PATCH", `/api/now/table/incident/${encodeURIComponent(requireId(ref))}`, { work_notes: commentNote(comment) });
  }

  async hasComment(ref: TicketRef, comment: TicketComment): Promise<boolean> {
    const query = new URLSearchParams({
      sysparm_query: `element_id=${requireId(ref)}^element=work_notes^valueLIKE${commentMarker(comment)}`,
      sysparm_fields: "sys_id",
      sysparm_limit: "1",
    });
    const response = await this.call("GET", `/api/now/table/sys_journal_field?${query.toString()}`);
    return ((response.json as { result?: unknown[] } | null)?.result ?? []).length > 0;
  }

  async resolve(ref: TicketRef, content: TicketContent): Promise<void> {
    await this.call("PATCH", `/api/now/table/incident/${encodeURIComponent(requireId(ref))}`, {
      state: STATE_RESOLVED,
      close_code: "Solved (Permanently)",
      close_notes: resolveNote(content),
    });
  }
}
