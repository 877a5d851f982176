import type { DetectionFeedback, IncidentWorkflow } from "../../../contracts/records";
import { poissonUpperTail } from "../detect/baseline";

/**
 * "Not an incident" as detection uses it. A dismissal says: this fingerprint (tenant, root cause,
 * family, template) at the level it reached is normal here. It becomes that fingerprint's baseline:
 * a later detection of the same fingerprint opens an incident only when its evidence is beyond what
 * was dismissed, judged with the same test and false-alarm level as every other baseline:
 *
 *   - its error count k in one window is improbable for a Poisson count whose mean is the dismissed
 *     peak p: P(X >= k | p) <= maxTailProbability (1e-6 by default), or
 *   - it reaches a service the dismissed incident never reached (the blast radius grew).
 *
 * With p = 20 that means k >= 46 in one window; p = 5 needs k >= 20 (see feedback.test.ts). The
 * peak, not the mean, is the reference because the person saw the whole incident and judged all of it.
 */
export interface Dismissal {
  incidentId: string;
  peakErrors: number;
  services: string[];
  /** Detections kept closed by this dismissal since it was recorded (or since the process started). */
  suppressed: number;
}

export function beyondDismissed(dismissal: Dismissal, errors: number, services: readonly string[], maxTailProbability: number): boolean {
  if (services.some((s) => !dismissal.services.includes(s))) return true;
  return poissonUpperTail(errors, Math.max(dismissal.peakErrors, 1)) <= maxTailProbability;
}

/** The dismissals of one tenant, by fingerprint. */
export class Dismissals {
  private readonly byFingerprint = new Map<string, Dismissal>();
  /** Incidents a verdict in force dismissed: the lifecycle closes them if they are still open. */
  private readonly incidentIds = new Set<string>();

  constructor(private readonly tenant: string) {}

  /** Applies a verdict; another tenant's feedback is ignored (returns false). */
  apply(feedback: DetectionFeedback): boolean {
    if (feedback.tenant !== this.tenant) return false;
    if (feedback.kind === "lifted") {
      const current = this.byFingerprint.get(feedback.fingerprint);
      if (current && current.incidentId === feedback.incidentId) this.byFingerprint.delete(feedback.fingerprint);
      this.incidentIds.delete(feedback.incidentId);
      return true;
    }
    this.incidentIds.add(feedback.incidentId);
    const current = this.byFingerprint.get(feedback.fingerprint);
    // A second dismissal of the same fingerprint raises the accepted level; it never lowers it.
    this.byFingerprint.set(feedback.fingerprint, {
      incidentId: feedback.incidentId,
      peakErrors: Math.max(feedback.peakErrors, current?.peakErrors ?? 0),
      services: [...new Set([...(current?.services ?? []), ...feedback.services])].sort(),
      suppressed: current?.suppressed ?? 0,
    });
    return true;
  }

  dismisses(incidentId: string): boolean {
    return this.incidentIds.has(incidentId);
  }

  get(fingerprint: string): Dismissal | undefined {
    return this.byFingerprint.get(fingerprint);
  }

  list(): (Dismissal & { fingerprint: string })[] {
    return [...this.byFingerprint].map(([fingerprint, d]) => ({ fingerprint, ...d }));
  }
}

/**
 * What a stored workflow means for detection: a "not an incident" verdict dismisses its fingerprint;
 * any other state lifts a dismissal the incident may have had (a later "confirm" undoes it).
 */
export function feedbackOf(workflow: IncidentWorkflow): DetectionFeedback {
  const { tenant, fingerprint, incidentId } = workflow;
  if (workflow.verdict === "not_an_incident" && workflow.dismissed) return { tenant, fingerprint, incidentId, kind: "dismissed", ...workflow.dismissed };
  return { tenant, fingerprint, incidentId, kind: "lifted", peakErrors: 0, services: [] };
}
