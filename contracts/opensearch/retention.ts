import { EVENT_TIME_BOUNDS, type EventTimeBounds } from "../event-time";
import { LOG_INDEX_PATTERN, LOG_RETENTION_POLICY, SPAN_INDEX_PATTERN, SPAN_RETENTION_POLICY } from "./index-names";

/** The daily indices with a retention: logs and spans, each under its own ISM policy. */
export type RetainedData = "logs" | "spans";
export const RETAINED_DATA: readonly RetainedData[] = ["logs", "spans"];

const RETAINED: Record<RetainedData, { id: string; pattern: string; what: string }> = {
  logs: { id: LOG_RETENTION_POLICY, pattern: LOG_INDEX_PATTERN, what: "log" },
  spans: { id: SPAN_RETENTION_POLICY, pattern: SPAN_INDEX_PATTERN, what: "span" },
};

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/**
 * How long after its creation a daily index may be deleted so that no record in it goes before
 * `retentionDays` counted from when it was received. ISM counts an index's age from its creation,
 * but the index is named by the records' (believed) day: the index of day D is created at the
 * earliest at D minus the ahead bound (its first record) and receives records until D + 1 day plus
 * the behind bound (a record buffered that long). So the age is the retention plus that span,
 * rounded up to whole hours.
 */
export function retentionMinIndexAgeHours(retentionDays: number, bounds: EventTimeBounds = EVENT_TIME_BOUNDS): number {
  return retentionDays * 24 + Math.ceil((bounds.maxAheadMs + DAY_MS + bounds.maxBehindMs) / HOUR_MS);
}

/**
 * A retention policy, once: daily log or span indices are deleted once the tenant's retention has
 * passed since the last record they can receive ({@link retentionMinIndexAgeHours}); new indices
 * pick it up by pattern. The bridge puts it through the ISM API ({@link retentionPolicy}), the
 * TenantStack declares it as an OpenSearchISMPolicy ({@link retentionPolicySpec}); both are
 * renderings of this.
 */
function retentionModel(data: RetainedData, retentionDays: number) {
  if (!Number.isInteger(retentionDays) || retentionDays < 1) {
    throw new Error(`retentionDays must be a positive integer (got ${retentionDays})`);
  }
  const { id, pattern, what } = RETAINED[data];
  return {
    id,
    description: `Delete LogClaw ${what} indices ${retentionDays} days after their last record was received`,
    minIndexAge: `${retentionMinIndexAgeHours(retentionDays)}h`,
    indexPatterns: [pattern],
    priority: 100,
  };
}

/** The policy's `min_index_age`, e.g. `361h` for 7 days (the same for logs and spans). */
export function retentionMinIndexAge(retentionDays: number): string {
  return retentionModel("logs", retentionDays).minIndexAge;
}

/** The ISM policy id of the data's retention. */
export function retentionPolicyId(data: RetainedData): string {
  return RETAINED[data].id;
}

/** Body of `PUT _plugins/_ism/policies/<retentionPolicyId(data)>`. */
export function retentionPolicy(data: RetainedData, retentionDays: number) {
  const p = retentionModel(data, retentionDays);
  return {
    policy: {
      description: p.description,
      default_state: "hot",
      states: [
        { name: "hot", actions: [], transitions: [{ state_name: "delete", conditions: { min_index_age: p.minIndexAge } }] },
        { name: "delete", actions: [{ delete: {} }], transitions: [] },
      ],
      ism_template: [{ index_patterns: p.indexPatterns, priority: p.priority }],
    },
  };
}

/** `spec` of the operator's OpenSearchISMPolicy (`opensearch.opster.io/v1`), without the cluster reference. */
export function retentionPolicySpec(data: RetainedData, retentionDays: number) {
  const p = retentionModel(data, retentionDays);
  return {
    policyId: p.id,
    description: p.description,
    defaultState: "hot",
    states: [
      { name: "hot", actions: [], transitions: [{ stateName: "delete", conditions: { minIndexAge: p.minIndexAge } }] },
      { name: "delete", actions: [{ delete: {} }], transitions: [] },
    ],
    ismTemplate: { indexPatterns: p.indexPatterns, priority: p.priority },
  };
}
