import { beforeAll, describe, expect, it } from "vitest";
import type { EnvMocks } from "../../support/env-mocks.js";
import { setupEnvMocks, valueOf } from "../../support/env-mocks.js";
import { settle } from "../../support/pulumi-mocks.js";
import type { ClusterOperators } from "../../../infra/operators/cluster-operators.js";

let mocks: EnvMocks;
let operators: ClusterOperators;

beforeAll(async () => {
  mocks = await setupEnvMocks({});
  const k8s = await import("@pulumi/kubernetes");
  const { ClusterOperators } = await import("../../../infra/operators/cluster-operators.js");
  const provider = new k8s.Provider("airgap-k8s", { renderYamlToDirectory: "out" });
  operators = new ClusterOperators("airgap", {
    provider,
    secretBackend: { kind: "aws", region: "eu-west-1" },
    externalSecretsServiceAccountAnnotations: {},
    resourceSelector: "app.kubernetes.io/part-of=logclaw",
    overrides: {
      certManager: { chartPath: "vendor/charts/cert-manager-v1.21.1.tgz" },
      strimzi: { repo: "oci://registry.internal/strimzi" },
      opensearch: { repo: "https://mirror.internal/opensearch", version: "3.0.4" },
    },
    clusterIssuer: { acmeServer: "https://acme-v02.api.letsencrypt.org/directory", ingressClass: "nginx" },
    ingressDomain: "airgap.example.com",
  });
  await settle();
});

describe("ClusterOperators with air-gapped chart sources", () => {
  const chart = (op: string) => mocks.one("kubernetes:helm.sh/v4:Chart", `airgap-${op}`);

  it("installs a vendored chart from its path and mirrored charts from their repositories", () => {
    expect(chart("certManager").inputs).toMatchObject({ chart: "vendor/charts/cert-manager-v1.21.1.tgz", name: "cert-manager", namespace: "cert-manager" });
    expect(chart("certManager").inputs.version).toBeUndefined();
    expect(chart("certManager").inputs.repositoryOpts).toBeUndefined();
    expect(chart("strimzi").inputs).toMatchObject({ chart: "oci://registry.internal/strimzi/strimzi-kafka-operator", version: "1.2.0" });
    expect(chart("opensearch").inputs).toMatchObject({
      chart: "opensearch-operator",
      version: "3.0.4",
      repositoryOpts: { repo: "https://mirror.internal/opensearch" },
    });
  });

  it("installs each operator in its own namespace", () => {
    const namespaces = mocks.byType("kubernetes:core/v1:Namespace").map((n) => (n.inputs.metadata as { name: string }).name);
    expect(namespaces.sort()).toEqual(["cert-manager", "external-secrets", "flink-operator", "logclaw-grafana", "opensearch-operator", "strimzi-system"]);
    for (const c of mocks.byType("kubernetes:helm.sh/v4:Chart")) {
      const ns = c.inputs.namespace;
      expect(mocks.dependencyNames(c), c.name).toContain(
        mocks.byType("kubernetes:core/v1:Namespace").find((n) => (n.inputs.metadata as { name: string }).name === ns)!.name,
      );
    }
  });

  it("registers cert-manager first and makes the webhook users wait for it", () => {
    const charts = mocks.byType("kubernetes:helm.sh/v4:Chart").map((c) => c.name);
    expect(charts[0]).toBe("airgap-certManager");
    expect(mocks.dependencyNames(chart("flink"))).toContain("airgap-certManager");
    expect(mocks.dependencyNames(chart("opensearch"))).toContain("airgap-certManager");
  });

  it("parents every child to the component and uses the given provider", () => {
    const component = mocks.one("logclaw:operators:ClusterOperators");
    const provider = mocks.one("pulumi:providers:kubernetes");
    for (const r of mocks.registrations.filter((r) => r.type.startsWith("kubernetes:"))) {
      expect(r.parentUrn, r.name).toBe(component.urn);
      expect(mocks.providerUrn(r), r.name).toBe(provider.urn);
    }
  });

  it("reports the versions actually installed", async () => {
    expect(await valueOf(operators.operatorVersions)).toMatchObject({ opensearch: "3.0.4", strimzi: "1.2.0", certManager: "v1.21.1" });
  });
});
