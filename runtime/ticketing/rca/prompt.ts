import type { Incident } from "../../../contracts/records";
import type { Evidence, EvidenceLog } from "../evidence";
import type { TextRedactor } from "../../bridge/redact";
import { LLM_ANSWER_SHAPE } from "./schema";

/** Upper bound of the user message; evidence beyond it is cut (models and gateways cap requests). */
const MAX_PROMPT_CHARS = 24_000;

export const SYSTEM_PROMPT = [
  "You are a site-reliability engineer writing the root-cause analysis of a production incident.",
  "Use only the evidence given. Answer with one JSON object and nothing else, matching this JSON schema:",
  LLM_ANSWER_SHAPE,
  "rootCause: one or two sentences naming the failing component and mechanism; evidence: the log lines",
  "or signals that support it; affectedServices: services hit; suggestedFix: the first concrete action;",
  "confidence: 0 to 1.",
].join("\n");

function line(log: EvidenceLog, redact: TextRedactor): string {
  const status = log.httpStatus === null ? "" : ` http=${log.httpStatus}`;
  return `${log.at} [${log.severity}] ${log.service}${status}: ${redact(log.message)}`;
}

/** The user message: signals, timeline and redacted samples, bounded. Nothing unredacted gets in. */
export function buildRcaPrompt(incident: Incident, evidence: Evidence, redact: TextRedactor): string {
  const parts = [
    `Incident: ${redact(incident.title)}`,
    `Severity: ${incident.severity}; score ${incident.score.toFixed(2)}; family ${incident.family}; detection ${incident.path}`,
    `Detected in service: ${incident.service}; suspected origin: ${incident.rootCauseService}`,
    `Affected services: ${incident.affectedServices.join(", ") || "none"}`,
    `Window (event time): ${incident.firstSeen} .. ${incident.lastSeen}; occurrences ${incident.occurrences}`,
    `Log template: ${redact(incident.template)}`,
    "",
    "Signals:",
    ...incident.signals.map((s) => `- ${redact(JSON.stringify(s))}`),
    "",
    "Timeline:",
    ...incident.timeline.map(
      (e) => `- ${e.at} [${e.severity}] ${e.service}${e.traceId ? ` trace=${e.traceId}` : ""}: ${redact(e.message)}`,
    ),
    "",
    "Sample logs:",
    ...evidence.samples.map((l) => `- ${line(l, redact)}`),
    "",
    "Logs of the same traces:",
    ...evidence.traceLogs.map((l) => `- ${line(l, redact)}`),
    "",
    "Errors in other affected services (blast radius):",
    ...Object.entries(evidence.blastRadius).flatMap(([service, logs]) => [
      `${service}:`,
      ...logs.map((l) => `  - ${line(l, redact)}`),
    ]),
  ];
  const text = parts.join("\n");
  return text.length > MAX_PROMPT_CHARS ? `${text.slice(0, MAX_PROMPT_CHARS)}\n[evidence truncated]` : text;
}
