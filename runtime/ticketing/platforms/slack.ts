import type { IncidentSeverity } from "../../../contracts/records";
import type { DeliveredResult, TicketComment } from "../../../contracts/tickets";
import type { PlatformClient, TicketRef } from "./client";
import { commentNote, resolveNote, truncate, updateNote, type TicketContent } from "./content";
import { sendJson } from "./http";

export interface SlackOptions {
  webhookUrl: string;
  timeoutMs: number;
}

const SEVERITY_EMOJI: Record<IncidentSeverity, string> = {
  critical: ":red_circle:",
  high: ":large_orange_circle:",
  medium: ":large_yellow_circle:",
  low: ":white_circle:",
};

/** Block Kit limits: section text 3000, header 150, context element 2000 characters. */
export function slackBlocks(content: TicketContent): unknown[] {
  const section = (heading: string) => content.sections.find((s) => s.heading === heading)?.lines ?? [];
  const links = [
    ...(content.links.dashboard ? [`<${content.links.dashboard}|Dashboard>`] : []),
    ...(content.links.logs ? [`<${content.links.logs}|Logs>`] : []),
  ];
  return [
    { type: "header", text: { type: "plain_text", text: truncate(content.title, 150), emoji: true } },
    {
      type: "section",
      fields: [
        { type: "mrkdwn", text: `*Severity*\n${SEVERITY_EMOJI[content.severity]} ${content.severity}` },
        { type: "mrkdwn", text: `*Origin*\n${content.rootCauseService}` },
        { type: "mrkdwn", text: `*Detected in*\n${content.service}` },
        { type: "mrkdwn", text: `*Occurrences*\n${content.occurrences}` },
      ],
    },
    { type: "section", text: { type: "mrkdwn", text: truncate(`*Root cause*\n${section("Root cause").join("\n")}`, 3000) } },
    { type: "section", text: { type: "mrkdwn", text: truncate(`*Suggested fix*\n${section("Suggested fix").join("\n")}`, 3000) } },
    {
      type: "section",
      text: { type: "mrkdwn", text: truncate(`*Evidence*\n${section("Evidence").map((l) => `• ${l}`).join("\n")}`, 3000) },
    },
    {
      type: "context",
      elements: [{ type: "mrkdwn", text: truncate([...links, `incident ${content.incidentId}`, `fingerprint ${content.fingerprint}`].join(" · "), 2000) }],
    },
  ];
}

/**
 * Slack incoming webhook with Block Kit. A webhook cannot edit what it posted, so repeats post only
 * when the severity escalates (a plain repeat would be noise), and resolution posts a closing line.
 */
export class SlackClient implements PlatformClient {
  readonly platform = "slack" as const;

  constructor(private readonly options: SlackOptions) {}

  private post(body: unknown) {
    return sendJson({ method: "POST", url: this.options.webhookUrl, body, timeoutMs: this.options.timeoutMs });
  }

  async create(content: TicketContent): Promise<DeliveredResult> {
    await this.post({ text: truncate(`${content.title}: ${content.summary}`, 3000), blocks: slackBlocks(content) });
    return { externalId: content.fingerprint };
  }

  async update(_ref: TicketRef, content: TicketContent): Promise<void> {
    if (!content.escalatedFrom) return;
    await this.post({
      text: truncate(`${SEVERITY_EMOJI[content.severity]} ${content.title}: ${updateNote(content)}`, 3000),
    });
  }

  /**
   * An incoming webhook answers "ok", never the message's `ts`, so it cannot thread under the ticket
   * message (threading needs chat.postMessage with a bot token): the action is a channel line naming
   * the incident. Nor can a webhook read the channel, so a retry after a lost answer may repeat it.
   */
  async comment(_ref: TicketRef, comment: TicketComment, content: TicketContent): Promise<void> {
    await this.post({ text: truncate(`:speech_balloon: ${content.title}: ${commentNote(comment)}`, 3000) });
  }

  async resolve(_ref: TicketRef, content: TicketContent): Promise<void> {
    await this.post({ text: truncate(`:white_check_mark: ${content.title}: ${resolveNote(content)}`, 3000) });
  }
}
