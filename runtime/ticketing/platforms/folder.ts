import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { LOCAL_FOLDER_TARGET, type DeliveredResult, type TicketComment } from "../../../contracts/tickets";
import type { PlatformClient, TicketRef } from "./client";
import { commentMarker, commentNote, type TicketContent } from "./content";

/**
 * Local mode's delivery target when the tenant configures no platform: one Markdown file per ticket
 * in a folder, served by the dashboard under `/tickets/`. It goes through the same dedup store and
 * outbox as Jira or ServiceNow, so a repeated failure updates its file instead of writing a new one.
 */
export class FolderTicketClient implements PlatformClient {
  readonly platform = LOCAL_FOLDER_TARGET;

  constructor(
    private readonly dir: string,
    /** The dashboard, e.g. http://127.0.0.1:3000; it serves the folder under /tickets. */
    private readonly dashboardUrl: string,
    private readonly now: () => Date,
  ) {
    mkdirSync(dir, { recursive: true });
  }

  async create(content: TicketContent): Promise<DeliveredResult> {
    const externalId = `LC-${content.fingerprint.replace(/[^A-Za-z0-9]/g, "").slice(0, 12)}-${content.incidentId.replace(/[^A-Za-z0-9]/g, "").slice(-6)}`;
    this.write(externalId, content, "open", []);
    return { externalId, externalUrl: `${this.dashboardUrl}/tickets/${externalId}.md` };
  }

  async update(ref: TicketRef, content: TicketContent): Promise<void> {
    const id = this.idOf(ref);
    this.write(id, content, "open", this.history(id, `updated: ${content.occurrences} occurrences, severity ${content.severity}`));
  }

  async resolve(ref: TicketRef, content: TicketContent): Promise<void> {
    const id = this.idOf(ref);
    this.write(id, content, "resolved", this.history(id, "resolved"));
  }

  async comment(ref: TicketRef, comment: TicketComment, content: TicketContent): Promise<void> {
    const id = this.idOf(ref);
    this.write(id, content, "open", this.history(id, commentNote(comment).replace(/\s*\n\s*/g, " ")));
  }

  async hasComment(ref: TicketRef, comment: TicketComment): Promise<boolean> {
    const path = join(this.dir, `${this.idOf(ref)}.md`);
    return existsSync(path) && readFileSync(path, "utf8").includes(commentMarker(comment));
  }

  private idOf(ref: TicketRef): string {
    if (!ref.externalId) throw new Error(`local ticket for ${ref.fingerprint} has no id`);
    return ref.externalId;
  }

  private history(id: string, entry: string): string[] {
    const path = join(this.dir, `${id}.md`);
    const previous = existsSync(path) ? readFileSync(path, "utf8") : "";
    const match = /## History\n\n([\s\S]*)$/.exec(previous);
    const lines = match ? match[1]!.split("\n").filter((l) => l.startsWith("- ")) : [];
    return [...lines, `- ${this.now().toISOString()} ${entry}`];
  }

  private write(id: string, content: TicketContent, status: "open" | "resolved", history: string[]): void {
    const lines = [
      `# ${id}: ${content.title}`,
      "",
      `- **Status:** ${status}`,
      `- **Severity:** ${content.severity}${content.escalatedFrom ? ` (escalated from ${content.escalatedFrom})` : ""}`,
      `- **Root cause service:** ${content.rootCauseService}`,
      `- **Detected in:** ${content.service} at ${content.detectedAt}`,
      `- **Failure family:** ${content.family}`,
      `- **Occurrences:** ${content.occurrences}`,
      `- **Incident:** ${content.incidentId} (fingerprint \`${content.fingerprint}\`, tenant ${content.tenant})`,
      "",
      `> ${content.summary}`,
      "",
    ];
    for (const section of content.sections) {
      lines.push(`## ${section.heading}`, "", ...section.lines.map((l) => (l.startsWith("- ") ? l : `- ${l}`)), "");
    }
    lines.push(`[Open in LogClaw](${this.dashboardUrl}/#/incidents/${encodeURIComponent(content.incidentId)})`, "");
    lines.push("## History", "", ...(history.length > 0 ? history : [`- ${this.now().toISOString()} created`]));
    const path = join(this.dir, `${id}.md`);
    writeFileSync(`${path}.tmp`, `${lines.join("\n")}\n`);
    renameSync(`${path}.tmp`, path);
  }
}
