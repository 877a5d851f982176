import type { ContainerResources, TierSpec } from "../../contracts/tenant/tiers";

/**
 * Pod and container settings every tenant workload carries: the namespace enforces Pod Security
 * `restricted`, and the policy pack checks the same fields.
 */

export const RUN_AS_USER = 10001;

export function podSecurityContext(): Record<string, unknown> {
  return {
    runAsNonRoot: true,
    runAsUser: RUN_AS_USER,
    runAsGroup: RUN_AS_USER,
    fsGroup: RUN_AS_USER,
    seccompProfile: { type: "RuntimeDefault" },
  };
}

export function containerSecurityContext(): Record<string, unknown> {
  return {
    runAsNonRoot: true,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
  };
}

export function resourceRequirements(r: ContainerResources): Record<string, unknown> {
  return { requests: { ...r.requests }, limits: { ...r.limits } };
}

/** Zone spread for a workload's pods, or none when the tier does not spread. */
export function topologySpread(
  tier: TierSpec,
  matchLabels: Record<string, string>,
): Record<string, unknown>[] | undefined {
  const mode = tier.availability.topologySpread;
  if (mode === "none") return undefined;
  return [
    {
      maxSkew: 1,
      topologyKey: "topology.kubernetes.io/zone",
      whenUnsatisfiable: mode,
      labelSelector: { matchLabels },
    },
  ];
}

/** A PodDisruptionBudget is worth having only when the tier asks for it and there is a spare pod. */
export function wantsPdb(tier: TierSpec, replicas: number): boolean {
  return tier.availability.podDisruptionBudgets && replicas > 1;
}
