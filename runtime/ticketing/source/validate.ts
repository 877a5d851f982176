import { z } from "zod";
import { INCIDENT_SEVERITIES, SEVERITY_TEXTS, type IncidentEvent } from "../../../contracts/records";

const timelineEntry = z.object({
  at: z.string(),
  service: z.string(),
  severity: z.enum(SEVERITY_TEXTS),
  message: z.string(),
  logId: z.string(),
  traceId: z.string().nullable(),
  templateId: z.string(),
});

/** The incident contract as the agent relies on it; unknown extra fields pass through (contract may grow). */
const incidentSchema = z
  .object({
    id: z.string().min(1),
    fingerprint: z.string().min(1),
    tenant: z.string().min(1),
    service: z.string(),
    rootCauseService: z.string(),
    affectedServices: z.array(z.string()),
    severity: z.enum(INCIDENT_SEVERITIES),
    score: z.number(),
    path: z.enum(["immediate", "windowed"]),
    signals: z.array(z.object({ name: z.string(), weight: z.number() }).loose()),
    firstSeen: z.string(),
    detectedAt: z.string(),
    lastSeen: z.string(),
    traceIds: z.array(z.string()),
    sampleLogIds: z.array(z.string()),
    timeline: z.array(timelineEntry),
    status: z.enum(["open", "resolved"]),
    title: z.string(),
    family: z.string(),
    templateId: z.string(),
    template: z.string(),
    occurrences: z.number().int().nonnegative(),
    resolvedAt: z.string().nullable(),
  })
  .loose();

export const incidentEventSchema = z.object({ type: z.enum(["opened", "updated", "resolved"]), incident: incidentSchema });

/** Parses one message of the `incidents` topic; the error names the first offending field. */
export function parseIncidentEvent(text: string): { event: IncidentEvent } | { error: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { error: `not JSON: ${(err as Error).message}` };
  }
  const parsed = incidentEventSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { error: `${issue.path.join(".") || "event"}: ${issue.message}` };
  }
  return { event: parsed.data as IncidentEvent };
}
