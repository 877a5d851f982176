import type { ResourceView } from "../../policies/lib/resources";

let counter = 0;

/** A Kubernetes resource as the engine hands it to a policy. */
export function k8s(apiVersion: string, kind: string, metadata: Record<string, unknown>, rest: Record<string, unknown> = {}): ResourceView {
  const group = apiVersion.includes("/") ? apiVersion : `core/${apiVersion}`;
  const name = `${kind.toLowerCase()}-${(counter += 1)}`;
  return {
    type: `kubernetes:${group}:${kind}`,
    name,
    urn: `urn:pulumi:test::logclaw::kubernetes:${group}:${kind}::${name}`,
    props: { apiVersion, kind, metadata, ...rest },
  };
}

export function cloud(type: string, name: string, props: Record<string, unknown>, dependencies: string[] = []): ResourceView {
  return { type, name, urn: `urn:pulumi:test::logclaw::${type}::${name}`, props, dependencies };
}

export const goodContainer = () => ({
  name: "app",
  image: "ghcr.io/logclaw/logclaw:0.1.0",
  resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "1", memory: "256Mi" } },
  securityContext: {
    runAsNonRoot: true,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ["ALL"] },
  },
});

export function deployment(namespace: string, container: Record<string, unknown> = goodContainer(), podExtra: Record<string, unknown> = {}) {
  return k8s("apps/v1", "Deployment", { name: "bridge", namespace }, {
    spec: { template: { spec: { containers: [container], ...podExtra } } },
  });
}

/** The guard rails every tenant namespace needs. */
export function tenantNamespace(id: string, tier = "starter"): ResourceView[] {
  const ns = `logclaw-${id}`;
  return [
    k8s("v1", "Namespace", {
      name: ns,
      labels: { "logclaw.io/tenant": id, "logclaw.io/tier": tier, "pod-security.kubernetes.io/enforce": "restricted" },
    }),
    k8s("networking.k8s.io/v1", "NetworkPolicy", { name: "default-deny", namespace: ns }, {
      spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
    }),
    k8s("v1", "ResourceQuota", { name: "quota", namespace: ns }, { spec: { hard: { "requests.cpu": "8" } } }),
    k8s("v1", "LimitRange", { name: "limits", namespace: ns }, { spec: { limits: [] } }),
  ];
}
