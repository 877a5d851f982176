import type { IncidentSeverity } from "../../../contracts/records";
import type { DeliveredResult, TicketComment } from "../../../contracts/tickets";
import type { PlatformClient, TicketRef } from "./client";
import { fingerprintLabel } from "./client";
import { commentMarker, commentNote, resolveNote, truncate, updateNote, type TicketContent } from "./content";
import { DeliveryError } from "./errors";
import { basicAuth, sendJson } from "./http";

export interface JiraOptions {
  baseUrl: string;
  projectKey: string;
  issueType: string;
  email: string;
  apiToken: string;
  timeoutMs: number;
}

/** Jira's default priority scheme names. */
export const JIRA_PRIORITY: Record<IncidentSeverity, string> = {
  critical: "Highest",
  high: "High",
  medium: "Medium",
  low: "Low",
};

type AdfNode = Record<string, unknown>;

function paragraph(text: string): AdfNode {
  return { type: "paragraph", content: [{ type: "text", text }] };
}

/** Atlassian Document Format: REST v3 takes rich text only as ADF, never as a plain string. */
export function toAdf(content: TicketContent): AdfNode {
  const nodes: AdfNode[] = [];
  for (const section of content.sections) {
    nodes.push({ type: "heading", attrs: { level: 3 }, content: [{ type: "text", text: section.heading }] });
    nodes.push({
      type: "bulletList",
      content: section.lines.map((line) => ({ type: "listItem", content: [paragraph(truncate(line, 2000))] })),
    });
  }
  return { type: "doc", version: 1, content: nodes };
}

function adfText(text: string): AdfNode {
  return { type: "doc", version: 1, content: [paragraph(text)] };
}

/** Jira Cloud REST API v3: create issue, comment, priority edit, transition to a done status. */
export class JiraClient implements PlatformClient {
  readonly platform = "jira" as const;
  private readonly base: string;
  private readonly auth: string;

  constructor(private readonly options: JiraOptions) {
    this.base = options.baseUrl.replace(/\/+$/, "");
    this.auth = basicAuth(options.email, options.apiToken);
  }

  private call(method: "GET" | "POST" | "PUT", path: string, body?: unknown) {
    return sendJson({
      method,
      url: `${this.base}${path}`,
      headers: { Authorization: this.auth },
      body,
      timeoutMs: this.options.timeoutMs,
    });
  }

  private result(key: string): DeliveredResult {
    return { externalId: key, externalUrl: `${this.base}/browse/${key}` };
  }

  async create(content: TicketContent): Promise<DeliveredResult> {
    const response = await this.call("POST", "/rest/api/3/issue", {
      fields: {
        project: { key: this.options.projectKey },
        issuetype: { name: this.options.issueType },
        // Jira caps summary at 255 characters.
        summary: truncate(content.title, 255),
        description: toAdf(content),
        priority: { name: JIRA_PRIORITY[content.severity] },
        labels: ["logclaw", fingerprintLabel(content.fingerprint)],
      },
    });
    const key = (response.json as { key?: unknown } | null)?.key;
    if (typeof key !== "string") throw new DeliveryError("Jira create answered without an issue key", true, "invalid_response");
    return this.result(key);
  }

  async findOpen(fingerprint: string): Promise<DeliveredResult | null> {
    const response = await this.call("POST", "/rest/api/3/search/jql", {
      jql: `project = "${this.options.projectKey}" AND labels = "${fingerprintLabel(fingerprint)}" AND statusCategory != Done ORDER BY created DESC`,
      fields: ["key"],
      maxResults: 1,
    });
    const issues = (response.json as { issues?: { key?: unknown }[] } | null)?.issues ?? [];
    const key = issues[0]?.key;
    return typeof key === "string" ? this.result(key) : null;
  }

  async update(ref: TicketRef, content: TicketContent): Promise<void> {
    const key = requireId(ref);
    await this.call("POST", `/rest/api/3/issue/${encodeURIComponent(key)}/comment`, { body: adfText(updateNote(content)) });
    if (content.escalatedFrom) {
      await this.call("PUT", `/rest/api/3/issue/${encodeURIComponent(key)}`, {
        fields: { priority: { name: JIRA_PRIORITY[content.severity] } },
      });
    }
  }

  async comment(ref: TicketRef, comment: TicketComment): Promise<void> {
    // Jira caps a comment body at 32767 characters.
    await this.call("POST", `/rest/api/3/issue/${encodeURIComponent(requireId(ref))}/comment`, { body: adfText(truncate(commentNote(comment), 32_000)) });
  }

  async hasComment(ref: TicketRef, comment: TicketComment): Promise<boolean> {
    const response = await this.call("GET", `/rest/api/3/issue/${encodeURIComponent(requireId(ref))}/comment?orderBy=-created&maxResults=100`);
    const comments = (response.json as { comments?: { body?: unknown }[] } | null)?.comments ?? [];
    const marker = commentMarker(comment);
    return comments.some((c) => JSON.stringify(c.body ?? "").includes(marker));
  }

  async resolve(ref: TicketRef, content: TicketContent): Promise<void> {
    const key = encodeURIComponent(requireId(ref));
    await this.call("POST", `/rest/api/3/issue/${key}/comment`, { body: adfText(resolveNote(content)) });
    const response = await this.call("GET", `/rest/api/3/issue/${key}/transitions`);
    const transitions =
      (response.json as { transitions?: { id: string; to?: { statusCategory?: { key?: string } } }[] } | null)?.transitions ?? [];
    // Workflows differ per project; the first transition into the "done" category is the close.
    const done = transitions.find((t) => t.to?.statusCategory?.key === "done");
    if (!done) throw new DeliveryError(`Jira issue ${ref.externalId} has no transition to a done status`, false, "no_done_transition");
    await this.call("POST", `/rest/api/3/issue/${key}/transitions`, { transition: { id: done.id } });
  }
}

export function requireId(ref: TicketRef): string {
  if (!ref.externalId) throw new DeliveryError("the ticket has no platform id (its create was never delivered)", false, "no_external_id");
  return ref.externalId;
}
