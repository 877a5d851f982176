import type { IncidentSeverity } from "../../../contracts/records";
import type { TextRedactor } from "../../bridge/redact";
import type { TicketComment, TicketPayload } from "../../../contracts/tickets";

/** Links a ticket carries back to LogClaw; null when no dashboard URL is configured. */
export interface TicketLinks {
  dashboard: string | null;
  logs: string | null;
}

export interface ContentSection {
  heading: string;
  lines: string[];
}

/** Platform-neutral ticket content; each client renders it in its own format (ADF, HTML, blocks). */
export interface TicketContent {
  title: string;
  /** One line: the root cause. */
  summary: string;
  severity: IncidentSeverity;
  escalatedFrom: IncidentSeverity | null;
  occurrences: number;
  fingerprint: string;
  incidentId: string;
  tenant: string;
  service: string;
  rootCauseService: string;
  family: string;
  detectedAt: string;
  sections: ContentSection[];
  links: TicketLinks;
}

const MAX_TIMELINE = 10;

/**
 * Which dashboard a ticket links to: the tenant's Grafana dashboard in a cluster (the tenant stack's
 * `dashboardUrl` already names host, uid and `var-tenant`), or LogClaw's own dashboard in local mode.
 */
export type DashboardKind = "grafana" | "logclaw";

/** Links shown around the incident: five minutes either side of its event-time window. */
const LINK_MARGIN_MS = 5 * 60_000;

/**
 * The ticket's "Dashboard:" and "Logs:" links, in the URL shape the target honours: Grafana's
 * `from`/`to` (epoch ms) and `var-*` query parameters, or the LogClaw dashboard's routes
 * `#/incidents/<id>` (the incident page) and `#/logs?service=&from=&to=` (that service's logs in
 * the incident's window, ISO-8601).
 */
export function buildLinks(dashboardUrl: string | null, payload: TicketPayload, kind: DashboardKind = "grafana"): TicketLinks {
  if (!dashboardUrl) return { dashboard: null, logs: null };
  const { incident } = payload;
  const from = Date.parse(incident.firstSeen) - LINK_MARGIN_MS;
  const to = Date.parse(incident.lastSeen) + LINK_MARGIN_MS;
  const service = incident.rootCauseService || incident.service;
  if (kind === "logclaw") {
    const base = dashboardUrl.replace(/\/+$/, "").replace(/#.*$/, "");
    const logs = new URLSearchParams({ service, from: new Date(from).toISOString(), to: new Date(to).toISOString() });
    return { dashboard: `${base}/#/incidents/${encodeURIComponent(incident.id)}`, logs: `${base}/#/logs?${logs}` };
  }
  const dashboard = new URL(dashboardUrl);
  dashboard.searchParams.set("from", String(from));
  dashboard.searchParams.set("to", String(to));
  dashboard.searchParams.set("var-incident", incident.id);
  const logs = new URL(dashboardUrl);
  logs.searchParams.set("from", String(from));
  logs.searchParams.set("to", String(to));
  logs.searchParams.set("var-service", service);
  return { dashboard: dashboard.toString(), logs: logs.toString() };
}

function blastRadius(services: readonly string[], origin: string): string {
  return services.filter((s) => s !== origin).join(", ") || "none";
}

export function buildTicketContent(payload: TicketPayload, links: TicketLinks, redact: TextRedactor): TicketContent {
  const { incident, rca } = payload;
  const timeline = [...incident.timeline]
    .sort((a, b) => a.at.localeCompare(b.at))
    .slice(0, MAX_TIMELINE)
    .map((e) => `${e.at} [${e.severity}] ${e.service}: ${redact(e.message).slice(0, 300)}`);
  const signals = incident.signals.map((s) => `${s.name} (weight ${s.weight.toFixed(2)})`);
  const sections: ContentSection[] = [
    {
      heading: "Root cause",
      lines: [
        rca.rootCause,
        `Confidence ${Math.round(rca.confidence * 100)}% (${rca.source === "llm" ? `LLM ${rca.model ?? ""}`.trim() : "rule-based"})`,
      ],
    },
    { heading: "Suggested fix", lines: [rca.suggestedFix] },
    { heading: "Evidence", lines: rca.evidence },
    {
      heading: "Impact",
      lines: [
        `Severity ${incident.severity}, score ${incident.score.toFixed(2)}, ${payload.occurrences} occurrence(s)`,
        `Detected in ${incident.service}; origin ${incident.rootCauseService}`,
        // The blast radius without the origin, as the title names it ("X errors in origin (affecting A, B)").
        `Affected services: ${blastRadius(rca.affectedServices.length > 0 ? rca.affectedServices : incident.affectedServices, incident.rootCauseService)}`,
        `Window ${incident.firstSeen} .. ${incident.lastSeen}`,
      ],
    },
    { heading: "Signals", lines: signals.length ? signals : ["none"] },
    { heading: "Timeline", lines: timeline.length ? timeline : ["no timeline"] },
  ];
  const linkLines = [
    ...(links.dashboard ? [`Dashboard: ${links.dashboard}`] : []),
    ...(links.logs ? [`Logs: ${links.logs}`] : []),
  ];
  sections.push({
    heading: "References",
    lines: [...linkLines, `Incident ${incident.id}`, `Fingerprint ${incident.fingerprint}`],
  });
  return {
    title: `[${incident.severity.toUpperCase()}] ${redact(incident.title)}`,
    summary: rca.rootCause,
    severity: incident.severity,
    escalatedFrom: payload.escalatedFrom,
    occurrences: payload.occurrences,
    fingerprint: incident.fingerprint,
    incidentId: incident.id,
    tenant: incident.tenant,
    service: incident.service,
    rootCauseService: incident.rootCauseService,
    family: incident.family,
    detectedAt: incident.detectedAt,
    sections,
    links,
  };
}

/** Plain-text rendering for platforms without rich text (ServiceNow, OpsGenie descriptions). */
export function renderText(content: TicketContent): string {
  return content.sections.map((s) => `${s.heading}:\n${s.lines.map((l) => `- ${l}`).join("\n")}`).join("\n\n");
}

/** The note added to a ticket when the same failure happens again. */
export function updateNote(content: TicketContent): string {
  const escalation = content.escalatedFrom ? ` Severity escalated from ${content.escalatedFrom} to ${content.severity}.` : "";
  return `LogClaw: the same failure occurred again (occurrence ${content.occurrences}, incident ${content.incidentId}, detected ${content.detectedAt}).${escalation}`;
}

/**
 * A workflow action as ticket text. The trailing key marks it, so a retried delivery can tell whether
 * an attempt whose answer was lost already posted it.
 */
export function commentNote(comment: TicketComment): string {
  return `LogClaw: ${comment.text} (${comment.by}, ${comment.at}) [${commentMarker(comment)}]`;
}

export function commentMarker(comment: TicketComment): string {
  return `logclaw-action ${comment.key}`;
}

export function resolveNote(content: TicketContent): string {
  return `LogClaw: incident ${content.incidentId} resolved after ${content.occurrences} occurrence(s); closing.`;
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
