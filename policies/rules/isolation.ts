import type { StackRule } from "../lib/policy";
import { tenantNamespaces } from "../lib/tenants";
import {
  asArray,
  asRecord,
  displayName,
  isKind,
  isKubernetesObject,
  kindOf,
  labels,
  namespaceOf,
  type ResourceView,
} from "../lib/resources";

/** Kinds that exist outside any namespace; everything else is namespaced. */
export const CLUSTER_SCOPED_KINDS = new Set([
  "Namespace",
  "Node",
  "PersistentVolume",
  "StorageClass",
  "CSIDriver",
  "CustomResourceDefinition",
  "ClusterRole",
  "ClusterRoleBinding",
  "PriorityClass",
  "RuntimeClass",
  "IngressClass",
  "ValidatingWebhookConfiguration",
  "MutatingWebhookConfiguration",
  "APIService",
  "ClusterIssuer",
  "ClusterSecretStore",
  "ClusterExternalSecret",
  "VolumeSnapshotClass",
]);

export interface IsolationConfig {
  allowedClusterScopedKinds: string[];
}

export const tenantIsolation: StackRule<IsolationConfig> = {
  name: "tenant-isolation",
  description:
    "A tenant stack keeps every namespaced resource in its logclaw-<id> namespace and creates no cluster-scoped resources beyond the allowed list.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      allowedClusterScopedKinds: {
        type: "array",
        items: { type: "string" },
        default: ["Namespace"],
        description: "Cluster-scoped kinds a tenant stack may create (its own Namespace).",
      },
    },
  },
  check(resources, config, report) {
    const namespaces = tenantNamespaces(resources);
    if (namespaces.size === 0) return;
    if (namespaces.size > 1) {
      report(`A tenant stack must create exactly one tenant namespace; found ${[...namespaces.keys()].join(", ")}.`);
    }
    const [tenantNs] = [...namespaces.keys()];
    const allowed = new Set(config.allowedClusterScopedKinds ?? ["Namespace"]);
    for (const r of resources) {
      if (!isKubernetesObject(r)) continue;
      const kind = kindOf(r)!;
      if (CLUSTER_SCOPED_KINDS.has(kind)) {
        if (!allowed.has(kind)) {
          report(`${displayName(r)}: tenant stacks may not create cluster-scoped ${kind}; move it to the environment stack.`, r.urn);
        }
        continue;
      }
      const ns = namespaceOf(r);
      if (ns !== tenantNs) {
        report(`${displayName(r)}: must live in the tenant namespace ${tenantNs}, not ${ns ?? "(no namespace)"}.`, r.urn);
      }
    }
  },
};

function isDefaultDeny(policy: ResourceView): boolean {
  const spec = asRecord(policy.props["spec"]);
  const selector = asRecord(spec["podSelector"]);
  const selectsAll =
    Object.keys(asRecord(selector["matchLabels"])).length === 0 && asArray(selector["matchExpressions"]).length === 0;
  const types = asArray(spec["policyTypes"]).map(String);
  return (
    selectsAll &&
    types.includes("Ingress") &&
    types.includes("Egress") &&
    asArray(spec["ingress"]).length === 0 &&
    asArray(spec["egress"]).length === 0
  );
}

export const tenantNamespaceGuards: StackRule<object> = {
  name: "tenant-namespace-guards",
  description:
    "Every tenant namespace has a default-deny NetworkPolicy (ingress and egress), a ResourceQuota, a LimitRange and Pod Security 'restricted'.",
  enforcementLevel: "mandatory",
  check(resources, _config, report) {
    for (const [ns, namespace] of tenantNamespaces(resources)) {
      const inNs = resources.filter((r) => isKubernetesObject(r) && namespaceOf(r) === ns);
      if (!inNs.some((r) => isKind(r, "NetworkPolicy") && isDefaultDeny(r))) {
        report(
          `Namespace ${ns}: add a default-deny NetworkPolicy (podSelector {}, policyTypes [Ingress, Egress], no rules) before allowing specific flows.`,
          namespace.urn,
        );
      }
      if (!inNs.some((r) => isKind(r, "ResourceQuota"))) {
        report(`Namespace ${ns}: add a ResourceQuota so one tenant cannot exhaust the cluster.`, namespace.urn);
      }
      if (!inNs.some((r) => isKind(r, "LimitRange"))) {
        report(`Namespace ${ns}: add a LimitRange so containers without explicit resources get bounded defaults.`, namespace.urn);
      }
      if (labels(namespace)["pod-security.kubernetes.io/enforce"] !== "restricted") {
        report(`Namespace ${ns}: label it pod-security.kubernetes.io/enforce: restricted.`, namespace.urn);
      }
    }
  },
};

export const isolationRules = { stack: [tenantIsolation, tenantNamespaceGuards] };
