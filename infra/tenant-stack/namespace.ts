import { TIER_LABEL } from "../../contracts/labels";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { TierSpec } from "../../contracts/tenant/tiers";
import { tenantLabels } from "./names";
import { resourceRequirements } from "./pod-security";

export interface TenantNamespaceArgs {
  tenantId: string;
  /** `logclaw-<tenantId>`. */
  namespace: string;
  tier: TierSpec;
  provider: k8s.Provider;
}

/**
 * Labels the operators select tenant namespaces by, the tier (policies apply tier bounds by it),
 * plus Pod Security `restricted` in all modes.
 */
export function namespaceLabels(tenantId: string, tier: string): Record<string, string> {
  return {
    ...tenantLabels(tenantId),
    [TIER_LABEL]: tier,
    "pod-security.kubernetes.io/enforce": "restricted",
    "pod-security.kubernetes.io/audit": "restricted",
    "pod-security.kubernetes.io/warn": "restricted",
  };
}

/** The tenant namespace with its ResourceQuota and LimitRange from the tier. */
export class TenantNamespace extends pulumi.ComponentResource {
  public readonly namespace: k8s.core.v1.Namespace;
  public readonly name: pulumi.Output<string>;

  constructor(name: string, args: TenantNamespaceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("logclaw:tenant:Namespace", name, {}, opts);
    const { tier } = args;
    this.namespace = new k8s.core.v1.Namespace(
      `${name}-namespace`,
      { metadata: { name: args.namespace, labels: namespaceLabels(args.tenantId, tier.name) } },
      { parent: this, provider: args.provider },
    );
    const after = { parent: this, provider: args.provider, dependsOn: [this.namespace] };
    new k8s.core.v1.ResourceQuota(
      `${name}-quota`,
      {
        metadata: { name: "logclaw-quota", namespace: args.namespace, labels: tenantLabels(args.tenantId) },
        spec: {
          hard: {
            "requests.cpu": tier.quota.cpu,
            "limits.cpu": tier.quota.cpu,
            "requests.memory": tier.quota.memory,
            "limits.memory": tier.quota.memory,
            "requests.storage": `${tier.quota.storageGi}Gi`,
            pods: String(tier.quota.pods),
          },
        },
      },
      after,
    );
    const defaults = resourceRequirements(tier.limitRange) as { requests: Record<string, string>; limits: Record<string, string> };
    new k8s.core.v1.LimitRange(
      `${name}-limits`,
      {
        metadata: { name: "logclaw-limits", namespace: args.namespace, labels: tenantLabels(args.tenantId) },
        spec: { limits: [{ type: "Container", defaultRequest: defaults.requests, default: defaults.limits }] },
      },
      after,
    );
    this.name = this.namespace.metadata.name;
    this.registerOutputs({ name: this.name });
  }
}
