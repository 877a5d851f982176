import type { IncidentSeverity } from "../../../contracts/records";
import type { DeliveredResult, TicketComment } from "../../../contracts/tickets";
import type { PlatformClient, TicketRef } from "./client";
import { fingerprintLabel } from "./client";
import { commentMarker, commentNote, renderText, resolveNote, truncate, updateNote, type TicketContent } from "./content";
import { sendJson } from "./http";

export interface OpsGenieOptions {
  apiKey: string;
  /** API base; by region https://api.opsgenie.com or https://api.eu.opsgenie.com. */
  baseUrl: string;
  team?: string;
  timeoutMs: number;
}

export const OPSGENIE_API: Record<"us" | "eu", string> = {
  us: "https://api.opsgenie.com",
  eu: "https://api.eu.opsgenie.com",
};

export const OPSGENIE_PRIORITY: Record<IncidentSeverity, string> = {
  critical: "P1",
  high: "P2",
  medium: "P3",
  low: "P4",
};

/**
 * OpsGenie Alert API v2. The fingerprint is the alert `alias` (OpsGenie keeps one open alert per
 * alias), and every later call addresses the alert by alias (`identifierType=alias`).
 */
export class OpsGenieClient implements PlatformClient {
  readonly platform = "opsgenie" as const;
  private readonly base: string;

  constructor(private readonly options: OpsGenieOptions) {
    this.base = options.baseUrl.replace(/\/+$/, "");
  }

  private call(method: "GET" | "POST" | "PUT", path: string, body?: unknown) {
    return sendJson({
      method,
      url: `${this.base}${path}`,
      headers: { Authorization: `GenieKey ${this.options.apiKey}` },
      body,
      timeoutMs: this.options.timeoutMs,
    });
  }

  private alertPath(alias: string, action: string): string {
    return `/v2/alerts/${encodeURIComponent(alias)}/${action}?identifierType=alias`;
  }

  async create(content: TicketContent): Promise<DeliveredResult> {
    const details: Record<string, string> = {
      incident: content.incidentId,
      fingerprint: content.fingerprint,
      tenant: content.tenant,
      occurrences: String(content.occurrences),
      ...(content.links.dashboard ? { dashboard: content.links.dashboard } : {}),
      ...(content.links.logs ? { logs: content.links.logs } : {}),
    };
    await this.call("POST", "/v2/alerts", {
      // Documented limits: message 130, alias 512, description 15000 characters.
      message: truncate(content.title, 130),
      alias: truncate(content.fingerprint, 512),
      description: truncate(`${content.summary}\n\n${renderText(content)}`, 15_000),
      priority: OPSGENIE_PRIORITY[content.severity],
      entity: content.rootCauseService,
      source: "LogClaw",
      tags: ["logclaw", content.family, fingerprintLabel(content.fingerprint)].map((t) => truncate(t, 50)),
      details,
      ...(this.options.team ? { responders: [{ name: this.options.team, type: "team" }] } : {}),
    });
    // Creation is asynchronous (202 + requestId); the alias is the stable handle.
    return { externalId: truncate(content.fingerprint, 512) };
  }

  async update(ref: TicketRef, content: TicketContent): Promise<void> {
    const alias = ref.externalId ?? ref.fingerprint;
    await this.call("POST", this.alertPath(alias, "notes"), { note: truncate(updateNote(content), 25_000), source: "LogClaw" });
    if (content.escalatedFrom) {
      await this.call("PUT", this.alertPath(alias, "priority"), { priority: OPSGENIE_PRIORITY[content.severity] });
    }
  }

  async comment(ref: TicketRef, comment: TicketComment): Promise<void> {
    await this.call("POST", this.alertPath(ref.externalId ?? ref.fingerprint, "notes"), { note: truncate(commentNote(comment), 25_000), user: truncate(comment.by, 100), source: "LogClaw" });
  }

  async hasComment(ref: TicketRef, comment: TicketComment): Promise<boolean> {
    const alias = encodeURIComponent(ref.externalId ?? ref.fingerprint);
    const response = await this.call("GET", `/v2/alerts/${alias}/notes?identifierType=alias&order=desc&limit=100`);
    const notes = (response.json as { data?: { note?: unknown }[] } | null)?.data ?? [];
    return notes.some((n) => typeof n.note === "string" && n.note.includes(commentMarker(comment)));
  }

  async resolve(ref: TicketRef, content: TicketContent): Promise<void> {
    await this.call("POST", this.alertPath(ref.externalId ?? ref.fingerprint, "close"), {
      note: resolveNote(content),
      source: "LogClaw",
    });
  }
}
