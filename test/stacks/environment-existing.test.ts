import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import type { EnvMocks } from "../support/env-mocks";
import { setupEnvMocks, valueOf } from "../support/env-mocks";
import { settle } from "../support/pulumi-mocks";
import { loadCrdValidators, validateManifest } from "../support/k8s-schemas";
import type { EnvironmentOutputs } from "../../stacks/environment.js";

let mocks: EnvMocks;
let outputs: EnvironmentOutputs;

beforeAll(async () => {
  mocks = await setupEnvMocks(
    {
      "logclaw:cloud": "existing",
      "logclaw:kubeContext": "logclaw-dev",
      "logclaw:kubeconfig": "/home/ci/.kube/config",
      "logclaw:ingressDomain": "dev.logclaw.example.com",
    },
    {},
    "dev",
  );
  const { environmentProgram } = await import("../../stacks/environment.js");
  outputs = environmentProgram();
  await settle();
  // Compiling the two CRD schemas takes seconds: do it under the hook timeout.
  for (const key of ["external-secrets.io/v1/ClusterSecretStore", "cert-manager.io/v1/ClusterIssuer"]) loadCrdValidators().get(key)!.validate();
});

describe("environment program on an existing cluster [reads ../shared/crds]", () => {
  it("registers the expected resource graph and nothing in a cloud", () => {
    const counts: Record<string, number> = {};
    for (const r of mocks.registrations) counts[r.type] = (counts[r.type] ?? 0) + 1;
    expect(counts).toEqual({
      "logclaw:cloud:ExistingCluster": 1,
      "pulumi:providers:kubernetes": 1,
      "logclaw:operators:ClusterOperators": 1,
      "kubernetes:core/v1:Namespace": 7,
      "kubernetes:helm.sh/v4:Chart": 6,
      "kubernetes:cert-manager.io/v1:ClusterIssuer": 1,
      "kubernetes:external-secrets.io/v1:ClusterSecretStore": 1,
      "kubernetes:core/v1:ServiceAccount": 1,
      "kubernetes:rbac.authorization.k8s.io/v1:Role": 1,
      "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding": 1,
      "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole": 1,
    });
    expect(mocks.registrations).toHaveLength(22);
  });

  it("points the Kubernetes provider at the configured kubeconfig and context", () => {
    const provider = mocks.one("pulumi:providers:kubernetes");
    expect(provider.name).toBe("logclaw-dev-k8s");
    expect(provider.inputs).toMatchObject({ kubeconfig: "/home/ci/.kube/config", context: "logclaw-dev" });
    expect(provider.inputs.renderYamlToDirectory).toBeUndefined();
  });

  it("uses the stack's provider for every Kubernetes resource", () => {
    const providerUrn = mocks.one("pulumi:providers:kubernetes").urn;
    const k8sResources = mocks.registrations.filter((r) => r.type.startsWith("kubernetes:"));
    expect(k8sResources).toHaveLength(19);
    for (const r of k8sResources) {
      expect(mocks.providerUrn(r), `${r.type} ${r.name}`).toBe(providerUrn);
    }
  });

  it("installs cert-manager before every other operator and CRDs before custom resources", () => {
    const chart = (op: string) => mocks.one("kubernetes:helm.sh/v4:Chart", `logclaw-dev-${op}`);
    expect(mocks.dependencyNames(chart("certManager"))).not.toContain("logclaw-dev-certManager");
    for (const op of ["strimzi", "flink", "externalSecrets", "opensearch", "grafana"]) {
      expect(mocks.dependencyNames(chart(op)), op).toContain("logclaw-dev-certManager");
      expect(mocks.dependencyNames(chart(op)), op).toContain(`logclaw-dev-ns-${op}`);
    }
    const issuer = mocks.one("kubernetes:cert-manager.io/v1:ClusterIssuer");
    expect(mocks.dependencyNames(issuer)).toContain("logclaw-dev-certManager");
    const store = mocks.one("kubernetes:external-secrets.io/v1:ClusterSecretStore");
    expect(mocks.dependencyNames(store)).toContain("logclaw-dev-externalSecrets");
    expect(mocks.dependencyNames(store)).toContain("logclaw-dev-secret-reader");
  });

  it("creates custom resources that validate against the upstream CRDs", () => {
    for (const type of ["kubernetes:cert-manager.io/v1:ClusterIssuer", "kubernetes:external-secrets.io/v1:ClusterSecretStore"]) {
      const r = mocks.one(type);
      expect(validateManifest(r.inputs), type).toEqual([]);
    }
  });

  it("backs the ClusterSecretStore with one namespace of the cluster, served to tenant namespaces only", () => {
    const store = mocks.one("kubernetes:external-secrets.io/v1:ClusterSecretStore");
    expect(store.inputs.spec).toEqual({
      conditions: [{ namespaceSelector: { matchExpressions: [{ key: "logclaw.io/tenant", operator: "Exists" }] } }],
      provider: {
        kubernetes: {
          remoteNamespace: "logclaw-secrets",
          server: { caProvider: { type: "ConfigMap", name: "kube-root-ca.crt", key: "ca.crt", namespace: "logclaw-secrets" } },
          auth: { serviceAccount: { name: "logclaw-secret-reader", namespace: "logclaw-secrets" } },
        },
      },
    });
    const role = mocks.one("kubernetes:rbac.authorization.k8s.io/v1:Role");
    expect(role.inputs.rules).toEqual([{ apiGroups: [""], resources: ["secrets"], verbs: ["get", "list", "watch"] }]);
    expect((role.inputs.metadata as { namespace: string }).namespace).toBe("logclaw-secrets");
  });

  it("defaults to a self-signed ClusterIssuer", () => {
    const issuer = mocks.one("kubernetes:cert-manager.io/v1:ClusterIssuer");
    expect(issuer.inputs.spec).toEqual({ selfSigned: {} });
  });

  it("exports the contract outputs", async () => {
    expect(await valueOf(outputs.kubeconfig)).toBe("/home/ci/.kube/config");
    expect(await pulumi.isSecret(outputs.kubeconfig)).toBe(true);
    expect(outputs.renderDirectory).toBeUndefined();
    expect(await valueOf(outputs.clusterName)).toBe("logclaw-dev");
    expect(outputs.ingressDomain).toBe("dev.logclaw.example.com");
    expect(await valueOf(outputs.secretStoreName)).toBe("logclaw");
    expect(await valueOf(outputs.clusterIssuerName)).toBe("logclaw-selfsigned");
    expect(await valueOf(outputs.grafanaUrl)).toBe("https://grafana.dev.logclaw.example.com");
    expect(await valueOf(outputs.operatorVersions)).toEqual({
      certManager: "v1.21.1",
      strimzi: "1.2.0",
      flink: "1.15.0",
      externalSecrets: "2.9.0",
      opensearch: "3.0.2",
      grafana: "8.8.2",
    });
    expect(await valueOf(outputs.storageClass)).toBe("standard");
    expect(outputs.cloud).toBe("existing");
    expect(await valueOf(outputs.flinkJobClusterRole)).toBe("logclaw-flink-job");
    expect(outputs.kubeContext).toBe("logclaw-dev");
  });
});
