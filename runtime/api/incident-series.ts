import type { Incident } from "../../contracts/records";
import type { LogExplorer, LogVolumeBucket } from "../ports/stores";

/** How far before the first error the chart (and the baseline it shows) reaches. */
export const SERIES_LOOKBACK_MS = 15 * 60_000;
const SERIES_AFTER_MS = 5 * 60_000;
const MAX_SERIES_BUCKETS = 240;
/** Fewer pre-incident buckets than this make no band worth drawing. */
const MIN_BASELINE_BUCKETS = 6;

export interface IncidentSeries {
  from: string;
  to: string;
  bucketSeconds: number;
  /** Volume and errors per bucket of the root cause and of the service that fired, when different. */
  services: { service: string; role: "root_cause" | "detected"; buckets: LogVolumeBucket[] }[];
  /**
   * The root cause's errors per bucket before the incident's first error: the 5th to 95th percentile
   * (the band) and the median. Null when too little came before it.
   */
  baseline: { service: string; low: number; median: number; high: number; buckets: number } | null;
  markers: { firstSeen: string; detectedAt: string; resolvedAt: string | null };
}

/** Linear-interpolation quantile (type 7, as R and NumPy default) of ascending values. */
function quantileSorted(sorted: readonly number[], p: number): number {
  const at = (sorted.length - 1) * p;
  const lo = Math.floor(at);
  return sorted[lo] + (sorted[Math.min(lo + 1, sorted.length - 1)] - sorted[lo]) * (at - lo);
}

/** Bucket width for a span: whole seconds, at least 10 s (the detection window), at most 240 buckets. */
export function seriesBucketMs(spanMs: number): number {
  return Math.max(10_000, Math.ceil(spanMs / MAX_SERIES_BUCKETS / 1000) * 1000);
}

/** The incident's signal over time: from 15 minutes before its first error until 5 minutes after it ended (or now). */
export async function incidentSeries(logs: LogExplorer, incident: Incident, nowMs: number): Promise<IncidentSeries> {
  const firstMs = Date.parse(incident.firstSeen);
  const endMs = incident.resolvedAt ? Date.parse(incident.resolvedAt) : Math.max(Date.parse(incident.lastSeen), nowMs);
  const fromMs = firstMs - SERIES_LOOKBACK_MS;
  const toMs = Math.min(endMs + SERIES_AFTER_MS, Math.max(nowMs, Date.parse(incident.lastSeen)));
  const bucketMs = seriesBucketMs(toMs - fromMs);
  const range = { from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString() };
  const services: IncidentSeries["services"] = [{ service: incident.rootCauseService, role: "root_cause", buckets: [] }];
  if (incident.service !== incident.rootCauseService) services.push({ service: incident.service, role: "detected", buckets: [] });
  for (const s of services) {
    s.buckets = await logs.histogram({ tenant: incident.tenant, filters: [], terms: [], order: "desc", limit: 1, service: s.service, ...range }, bucketMs);
  }
  const before = services[0].buckets.filter((b) => Date.parse(b.at) + bucketMs <= firstMs && b.total > 0).map((b) => b.errors).sort((a, b) => a - b);
  return {
    from: range.from,
    to: range.to,
    bucketSeconds: bucketMs / 1000,
    services,
    baseline:
      before.length >= MIN_BASELINE_BUCKETS
        ? { service: incident.rootCauseService, low: quantileSorted(before, 0.05), median: quantileSorted(before, 0.5), high: quantileSorted(before, 0.95), buckets: before.length }
        : null,
    markers: { firstSeen: incident.firstSeen, detectedAt: incident.detectedAt, resolvedAt: incident.resolvedAt },
  };
}
