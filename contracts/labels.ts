/** Kubernetes labels that more than one part relies on: the operators select by them, the policy pack checks them. */

/** Every tenant object and namespace: `logclaw.io/tenant: <id>`. */
export const TENANT_LABEL = "logclaw.io/tenant";
/** Tenant namespaces: the tier, so policies apply the tier's bounds. */
export const TIER_LABEL = "logclaw.io/tier";
/** Every LogClaw-managed object; Strimzi and Flink reconcile only custom resources carrying it. */
export const PART_OF_LABEL = { "app.kubernetes.io/part-of": "logclaw" } as const;
