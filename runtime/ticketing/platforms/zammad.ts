import type { IncidentSeverity } from "../../../contracts/records";
import type { DeliveredResult, TicketComment } from "../../../contracts/tickets";
import type { PlatformClient, TicketRef } from "./client";
import { commentMarker, commentNote, escapeHtml, resolveNote, truncate, updateNote, type TicketContent } from "./content";
import { DeliveryError } from "./errors";
import { sendJson } from "./http";
import { requireId } from "./jira";

export interface ZammadOptions {
  baseUrl: string;
  group: string;
  customer: string;
  token: string;
  timeoutMs: number;
}

/** Zammad's default priorities, addressed by name. */
export const ZAMMAD_PRIORITY: Record<IncidentSeverity, string> = {
  critical: "3 high",
  high: "3 high",
  medium: "2 normal",
  low: "1 low",
};

function html(content: TicketContent): string {
  return content.sections
    .map((s) => `<h3>${escapeHtml(s.heading)}</h3><ul>${s.lines.map((l) => `<li>${escapeHtml(l)}</li>`).join("")}</ul>`)
    .join("");
}

/** Zammad REST API v1: tickets with a first article, internal notes for repeats, state `closed`. */
export class ZammadClient implements PlatformClient {
  readonly platform = "zammad" as const;
  private readonly base: string;

  constructor(private readonly options: ZammadOptions) {
    this.base = options.baseUrl.replace(/\/+$/, "");
  }

  private call(method: "GET" | "POST" | "PUT", path: string, body?: unknown) {
    return sendJson({
      method,
      url: `${this.base}${path}`,
      headers: { Authorization: `Token token=${this.options.token}` },
      body,
      timeoutMs: this.options.timeoutMs,
    });
  }

  async create(content: TicketContent): Promise<DeliveredResult> {
    const response = await this.call("POST", "/api/v1/tickets", {
      title: truncate(content.title, 250),
      group: this.options.group,
      customer: this.options.customer,
      priority: ZAMMAD_PRIORITY[content.severity],
      article: {
        subject: truncate(content.summary, 250),
        body: html(content),
        type: "note",
        internal: false,
        content_type: "text/html",
      },
    });
    const id = (response.json as { id?: unknown } | null)?.id;
    if (typeof id !== "number" && typeof id !== "string") {
      throw new DeliveryError("Zammad create answered without a ticket id", true, "invalid_response");
    }
    return { externalId: String(id), externalUrl: `${this.base}/#ticket/zoom/${id}` };
  }

  private note(ticketId: string, text: string) {
    return this.call("POST", "/api/v1/ticket_articles", {
      ticket_id: Number(ticketId),
      subject: "LogClaw",
      body: escapeHtml(text),
      type: "note",
      internal: true,
      content_type: "text/html",
    });
  }

  async update(ref: TicketRef, content: TicketContent): Promise<void> {
    const id = requireId(ref);
    await this.note(id, updateNote(content));
    if (content.escalatedFrom) {
      await this.call("PUT", `/api/v1/tickets/${encodeURIComponent(id)}`, { priority: ZAMMAD_PRIORITY[content.severity] });
    }
  }

  async comment(ref: TicketRef, comment: TicketComment): Promise<void> {
    await this.note(requireId(ref), commentNote(comment));
  }

  async hasComment(ref: TicketRef, comment: TicketComment): Promise<boolean> {
    const response = await this.call("GET", `/api/v1/ticket_articles/by_ticket/${encodeURIComponent(requireId(ref))}`);
    const articles = Array.isArray(response.json) ? (response.json as { body?: unknown }[]) : [];
    const marker = escapeHtml(commentMarker(comment));
    return articles.some((a) => typeof a.body === "string" && a.body.includes(marker));
  }

  async resolve(ref: TicketRef, content: TicketContent): Promise<void> {
    const id = requireId(ref);
    await this.note(id, resolveNote(content));
    await this.call("PUT", `/api/v1/tickets/${encodeURIComponent(id)}`, { state: "closed" });
  }
}
