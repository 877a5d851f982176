import { LOG_INDEX_PATTERN, LOG_RETENTION_POLICY, SPAN_INDEX_PATTERN, SPAN_RETENTION_POLICY } from "./index-names";

/** The daily indices with a retention: logs and spans, each under its own ISM policy. */
export type RetainedData = "logs" | "spans";
export const RETAINED_DATA: readonly RetainedData[] = ["logs", "spans"];

const RETAINED: Record<RetainedData, { id: string; pattern: string; what: string }> = {
  logs: { id: LOG_RETENTION_POLICY, pattern: LOG_INDEX_PATTERN, what: "log" },
  spans: { id: SPAN_RETENTION_POLICY, pattern: SPAN_INDEX_PATTERN, what: "span" },
};

/**
 * A retention policy, once: daily indices are deleted once older than the tenant's retention; new
 * indices pick it up by pattern. An index is created when its first document is received, so ISM's
 * index age counts from receipt. The bridge puts it through the ISM API ({@link retentionPolicy}),
 * the TenantStack declares it as an OpenSearchISMPolicy ({@link retentionPolicySpec}); both are
 * renderings of this.
 */
function retentionModel(data: RetainedData, retentionDays: number) {
  if (!Number.isInteger(retentionDays) || retentionDays < 1) {
    throw new Error(`retentionDays must be a positive integer (got ${retentionDays})`);
  }
  const { id, pattern, what } = RETAINED[data];
  return {
    id,
    description: `Delete LogClaw ${what} indices after ${retentionDays} days`,
    minIndexAge: `${retentionDays}d`,
    indexPatterns: [pattern],
    priority: 100,
  };
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
