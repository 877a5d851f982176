import type { TierSpec, WorkloadSpec } from "../../contracts/tenant/tiers";
import { containerSecurityContext, podSecurityContext, resourceRequirements, topologySpread } from "./pod-security";
import { selectorLabels, tenantLabels } from "./names";

/** A hardened Deployment spec for one container; shared by the collector, bridge and ticketing. */
export interface DeploymentInput {
  tenantId: string;
  workload: string;
  component: string;
  tier: TierSpec;
  spec: WorkloadSpec;
  container: Record<string, unknown>;
  volumes: Record<string, unknown>[];
  serviceAccountName: string;
  annotations?: Record<string, string>;
}

export function deploymentSpec(input: DeploymentInput): Record<string, unknown> {
  const selector = selectorLabels(input.workload);
  const spread = topologySpread(input.tier, selector);
  return {
    replicas: input.spec.replicas,
    selector: { matchLabels: selector },
    strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
    template: {
      metadata: {
        labels: { ...tenantLabels(input.tenantId, input.component), ...selector },
        ...(input.annotations ? { annotations: input.annotations } : {}),
      },
      spec: {
        serviceAccountName: input.serviceAccountName,
        automountServiceAccountToken: false,
        securityContext: podSecurityContext(),
        ...(spread ? { topologySpreadConstraints: spread } : {}),
        containers: [
          {
            imagePullPolicy: "IfNotPresent",
            ...input.container,
            resources: resourceRequirements(input.spec.resources),
            securityContext: containerSecurityContext(),
          },
        ],
        volumes: [...input.volumes, { name: "tmp", emptyDir: { sizeLimit: "256Mi" } }],
      },
    },
  };
}
