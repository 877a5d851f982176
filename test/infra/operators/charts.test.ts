import { beforeAll, describe, expect, it } from "vitest";
import { chartSource, operatorValues, type ValuesContext } from "../../../infra/operators/charts.js";
import { grafanaBaseUrl, validateClusterOperatorsArgs, type ClusterOperatorsArgs } from "../../../infra/operators/cluster-operators.js";
import { clusterIssuerSpec, clusterSecretStoreSpec, flinkJobRules } from "../../../infra/operators/cluster-operators-spec.js";
import { PINNED_CHARTS } from "../../../infra/operators/versions.js";
import { loadCrdValidators, validateManifest } from "../../support/k8s-schemas.js";

const ctx: ValuesContext = {
  resourceSelector: "app.kubernetes.io/part-of=logclaw",
  externalSecretsServiceAccountAnnotations: { "eks.amazonaws.com/role-arn": "arn:aws:iam::1:role/eso" },
  grafanaUrl: "https://grafana.logclaw.example.com",
  clusterIssuerName: "logclaw-acme",
  ingressClass: "nginx",
};

describe("chartSource", () => {
  it("uses the pinned classic repository by default", () => {
    expect(chartSource(PINNED_CHARTS.externalSecrets)).toEqual({
      chart: "external-secrets",
      version: "2.9.0",
      repositoryOpts: { repo: "https://charts.external-secrets.io" },
    });
  });

  it("builds a full OCI reference for an OCI registry", () => {
    expect(chartSource(PINNED_CHARTS.strimzi)).toEqual({ chart: "oci://quay.io/strimzi-helm/strimzi-kafka-operator", version: "1.2.0" });
  });

  it("takes a mirror repository and an exact version from the override", () => {
    expect(chartSource(PINNED_CHARTS.certManager, { repo: "https://mirror.internal/charts", version: "v1.21.2" })).toEqual({
      chart: "cert-manager",
      version: "v1.21.2",
      repositoryOpts: { repo: "https://mirror.internal/charts" },
    });
  });

  it("installs a vendored chart from a local path without repository or version", () => {
    expect(chartSource(PINNED_CHARTS.flink, { chartPath: "vendor/charts/flink-kubernetes-operator-1.15.0.tgz", repo: "https://x" })).toEqual({
      chart: "vendor/charts/flink-kubernetes-operator-1.15.0.tgz",
    });
  });
});

describe("operator values", () => {
  it("installs cert-manager with its CRDs", () => {
    expect(operatorValues("certManager", ctx)).toMatchObject({ crds: { enabled: true, keep: true } });
  });

  it("lets Strimzi watch every namespace but only LogClaw's custom resources", () => {
    expect(operatorValues("strimzi", ctx)).toMatchObject({
      watchAnyNamespace: true,
      defaultImageTag: "1.2.0",
      extraEnvs: [{ name: "STRIMZI_CUSTOM_RESOURCE_SELECTOR", value: "app.kubernetes.io/part-of=logclaw" }],
    });
  });

  it("lets the Flink operator watch every namespace, select LogClaw resources and keep its webhook", () => {
    const values = operatorValues("flink", ctx) as { watchNamespaces?: unknown; webhook: unknown; defaultConfiguration: Record<string, string> };
    expect(values.watchNamespaces).toBeUndefined();
    expect(values.webhook).toEqual({ create: true });
    expect(values.defaultConfiguration["flink-conf.yaml"]).toContain("kubernetes.operator.label.selector: app.kubernetes.io/part-of=logclaw");
    expect(operatorValues("flink", ctx)).toMatchObject({ image: { repository: "ghcr.io/apache/flink-kubernetes-operator", tag: "79d730b" } });
  });

  it("runs the OpenSearch operator on all namespaces with the pinned image", () => {
    expect(operatorValues("opensearch", ctx)).toMatchObject({
      manager: { watchNamespace: "", image: { repository: "opensearchproject/opensearch-operator", tag: "3.0.0-alpha" } },
    });
  });

  it("hands External Secrets its cloud identity", () => {
    expect(operatorValues("externalSecrets", ctx)).toMatchObject({
      installCRDs: true,
      serviceAccount: { name: "external-secrets", annotations: { "eks.amazonaws.com/role-arn": "arn:aws:iam::1:role/eso" } },
    });
  });

  it("has Grafana's dashboard sidecar watch grafana_dashboard=1 in every namespace", () => {
    expect(operatorValues("grafana", ctx)).toMatchObject({
      "grafana.ini": { server: { root_url: "https://grafana.logclaw.example.com" } },
      sidecar: { dashboards: { enabled: true, label: "grafana_dashboard", labelValue: "1", searchNamespace: "ALL" } },
      ingress: { hosts: ["grafana.logclaw.example.com"], annotations: { "cert-manager.io/cluster-issuer": "logclaw-acme" } },
    });
  });

  it("sets requests and limits on the operators whose charts expose them", () => {
    for (const op of ["certManager", "strimzi", "externalSecrets", "grafana"] as const) {
      expect(operatorValues(op, ctx), op).toMatchObject({ resources: { requests: expect.any(Object), limits: expect.any(Object) } });
    }
  });
});

describe("custom resources [reads ../shared/crds]", () => {
  // The ClusterSecretStore and ClusterIssuer schemas are ~690 kB and ~330 kB: compile them once,
  // under the hook timeout, not inside a test's time budget.
  beforeAll(() => {
    for (const key of ["external-secrets.io/v1/ClusterSecretStore", "cert-manager.io/v1/ClusterIssuer"]) loadCrdValidators().get(key)!.validate();
  });

  const manifest = (apiVersion: string, kind: string, name: string, spec: unknown) => ({ apiVersion, kind, metadata: { name }, spec });

  it.each([
    ["aws", { kind: "aws", region: "eu-west-1" }],
    ["gcp", { kind: "gcp", projectId: "demo-project" }],
    ["kubernetes", { kind: "kubernetes", namespace: "logclaw-secrets" }],
  ] as const)("builds a %s ClusterSecretStore that validates against the CRD and serves tenant namespaces only", (_, backend) => {
    const spec = clusterSecretStoreSpec(backend);
    expect(validateManifest(manifest("external-secrets.io/v1", "ClusterSecretStore", "logclaw", spec))).toEqual([]);
    expect(spec.conditions).toEqual([{ namespaceSelector: { matchExpressions: [{ key: "logclaw.io/tenant", operator: "Exists" }] } }]);
  });

  it("builds a self-signed ClusterIssuer by default and an ACME one with an email, both valid", () => {
    const selfSigned = clusterIssuerSpec({ acmeServer: "https://acme.example/dir", ingressClass: "nginx" });
    expect(selfSigned).toEqual({ name: "logclaw-selfsigned", spec: { selfSigned: {} } });
    const acme = clusterIssuerSpec({ acmeEmail: "ops@example.com", acmeServer: "https://acme.example/dir", ingressClass: "traefik" });
    expect(acme.name).toBe("logclaw-acme");
    expect(acme.spec).toMatchObject({ acme: { email: "ops@example.com", server: "https://acme.example/dir", solvers: [{ http01: { ingress: { ingressClassName: "traefik" } } }] } });
    for (const issuer of [selfSigned, acme]) {
      expect(validateManifest(manifest("cert-manager.io/v1", "ClusterIssuer", issuer.name, issuer.spec))).toEqual([]);
    }
  });

  it("grants Flink jobs only pods, config maps and deployments", () => {
    expect(flinkJobRules().flatMap((r) => r.resources)).toEqual(["pods", "configmaps", "deployments", "deployments/finalizers"]);
  });
});

describe("ClusterOperators args", () => {
  const base = { resourceSelector: "app.kubernetes.io/part-of=logclaw", ingressDomain: "x.example.com" } as ClusterOperatorsArgs;

  it.each([
    [{ overrides: { strimzi: { version: "1.x" } } }, "ClusterOperators: overrides.strimzi.version must be an exact pinned version"],
    [{ overrides: { kafka: {} } }, "ClusterOperators: overrides.kafka is not an operator (one of certManager, strimzi, flink, externalSecrets, opensearch, grafana)"],
    [{ grafanaUrl: "grafana" }, "ClusterOperators: grafanaUrl must be a URL"],
    [{ resourceSelector: "part-of" }, "ClusterOperators: resourceSelector must be a key=value label selector"],
  ])("rejects %j naming the field", (patch, message) => {
    expect(() => validateClusterOperatorsArgs({ ...base, ...(patch as Partial<ClusterOperatorsArgs>) })).toThrow(message);
  });

  it("serves Grafana at grafana.<ingressDomain> unless a URL is configured", () => {
    expect(grafanaBaseUrl({ ingressDomain: "dev.example.com" })).toBe("https://grafana.dev.example.com");
    expect(grafanaBaseUrl({ ingressDomain: "dev.example.com", grafanaUrl: "https://g.example.com/" })).toBe("https://g.example.com");
  });
});
