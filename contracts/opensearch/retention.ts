import { LOG_INDEX_PATTERN, LOG_RETENTION_POLICY } from "./index-names";

/**
 * The log retention policy, once: log indices are deleted once older than the tenant's retention;
 * new indices pick it up by pattern. The bridge puts it through the ISM API
 * ({@link logRetentionPolicy}), the TenantStack declares it as an OpenSearchISMPolicy
 * ({@link logRetentionPolicySpec}); both are renderings of this.
 */
function retentionModel(retentionDays: number) {
  if (!Number.isInteger(retentionDays) || retentionDays < 1) {
    throw new Error(`retentionDays must be a positive integer (got ${retentionDays})`);
  }
  return {
    id: LOG_RETENTION_POLICY,
    description: `Delete LogClaw log indices after ${retentionDays} days`,
    minIndexAge: `${retentionDays}d`,
    indexPatterns: [LOG_INDEX_PATTERN],
    priority: 100,
  };
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
