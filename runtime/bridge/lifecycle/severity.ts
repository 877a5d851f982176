import { INCIDENT_SEVERITIES, type IncidentSeverity } from "../../../contracts/records";
import { IMMEDIATE_FAMILIES } from "../detect/families";

const RANK: Record<IncidentSeverity, number> = { critical: 3, high: 2, medium: 1, low: 0 };

export function maxSeverity(a: IncidentSeverity, b: IncidentSeverity): IncidentSeverity {
  return RANK[a] >= RANK[b] ? a : b;
}

/**
 * Severity from the evidence: the composite score sets the base, crash-like families are at least
 * high, and every further service hit raises it (a failure that spreads is worse).
 */
export function severityOf(score: number, family: string, affectedCount: number): IncidentSeverity {
  let rank = score >= 0.85 ? 2 : score >= 0.65 ? 1 : 0;
  if (IMMEDIATE_FAMILIES.has(family)) rank = Math.max(rank, 2);
  if (affectedCount >= 1 && IMMEDIATE_FAMILIES.has(family)) rank += 1;
  else if (affectedCount >= 2) rank += 1;
  return INCIDENT_SEVERITIES[3 - Math.min(3, rank)];
}
