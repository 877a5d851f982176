import { EVENT_TIME_BOUNDS, type EventTimeBounds } from "../event-time";
import { LOG_INDEX_PATTERN, LOG_RETENTION_POLICY } from "./index-names";

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/**
 * How long after its creation a log index may be deleted so that no record in it goes before
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
 * The log retention policy, once: log indices are deleted once the tenant's retention has passed
 * since the last record they can receive ({@link retentionMinIndexAgeHours}); new indices pick it up
 * by pattern. The bridge puts it through the ISM API ({@link logRetentionPolicy}), the TenantStack
 * declares it as an OpenSearchISMPolicy ({@link logRetentionPolicySpec}); both are renderings of this.
 */
function retentionModel(retentionDays: number) {
  if (!Number.isInteger(retentionDays) || retentionDays < 1) {
    throw new Error(`retentionDays must be a positive integer (got ${retentionDays})`);
  }
  return {
    id: LOG_RETENTION_POLICY,
    description: `Delete LogClaw log indices ${retentionDays} days after their last record was received`,
    minIndexAge: `${retentionMinIndexAgeHours(retentionDays)}h`,
    indexPatterns: [LOG_INDEX_PATTERN],
    priority: 100,
  };
}

/** The policy's `min_index_age`, e.g. `361h` for 7 days. */
export function retentionMinIndexAge(retentionDays: number): string {
  return retentionModel(retentionDays).minIndexAge;
}

/** Body of `PUT _plugins/_ism/policies/<LOG_RETENTION_POLICY>`. */
export function logRetentionPolicy(retentionDays: number) {
  const p = retentionModel(retentionDays);
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
export function logRetentionPolicySpec(retentionDays: number) {
  const p = retentionModel(retentionDays);
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
