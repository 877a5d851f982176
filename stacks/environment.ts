import * as pulumi from "@pulumi/pulumi";
import { createClusterSource, type CloudArgs } from "../infra/cloud";
import { ClusterOperators } from "../infra/operators";
import { loadEnvironmentConfig, type EnvironmentConfig } from "./environment-config";
import { providerRenderDirectory } from "./render-directory";

/**
 * Outputs of an environment stack (ARCHITECTURE.md, contract): tenant stacks read them through a
 * StackReference. Names are fixed; new fields may only be added.
 */
export interface EnvironmentOutputs {
  /** Kubeconfig for tenant stacks, always a secret; "" in render-only mode. */
  kubeconfig: pulumi.Output<string>;
  /** Set only in render-only mode: where manifests are written, relative to the project root. */
  renderDirectory: string | undefined;
  clusterName: pulumi.Output<string>;
  ingressDomain: string;
  /** Name of the ClusterSecretStore tenant ExternalSecrets reference. */
  secretStoreName: pulumi.Output<string>;
  clusterIssuerName: pulumi.Output<string>;
  /** Grafana base URL tenants build their `dashboardUrl` on. */
  grafanaUrl: pulumi.Output<string>;
  /** Operator name -> pinned chart version. */
  operatorVersions: pulumi.Output<Record<string, string>>;
  storageClass: pulumi.Output<string>;
  cloud: EnvironmentConfig["cloud"];
  /** ClusterRole tenant namespaces bind to their `flink` service account (added field). */
  flinkJobClusterRole: pulumi.Output<string>;
  /** Bucket for OpenSearch snapshots; "" on an existing cluster (added field). */
  snapshotBucket: pulumi.Output<string>;
  /** kubeconfig context for an existing cluster; "" otherwise (added field). */
  kubeContext: string;
}

/** Maps the validated config onto the selected cluster source's args. */
export function cloudArgs(config: EnvironmentConfig): CloudArgs {
  switch (config.cloud) {
    case "aws":
      return { cloud: "aws", aws: { ...config.aws!, clusterName: config.clusterName, storageClass: config.storageClass } };
    case "gcp":
      return { cloud: "gcp", gcp: { ...config.gcp!, clusterName: config.clusterName, storageClass: config.storageClass } };
    case "existing":
      return {
        cloud: "existing",
        existing: {
          kubeconfig: config.kubeconfig,
          context: config.kubeContext,
          renderDirectory: config.renderDirectory === undefined ? undefined : providerRenderDirectory(config.renderDirectory),
          clusterName: config.clusterName,
          storageClass: config.storageClass,
        },
      };
  }
}

/** Builds the environment from an already validated config (tests call this directly). */
export function buildEnvironment(config: EnvironmentConfig): EnvironmentOutputs {
  const cluster = createClusterSource(config.clusterName, cloudArgs(config));
  const operators = new ClusterOperators(config.clusterName, {
    provider: cluster.provider,
    secretBackend: cluster.secretBackend,
    externalSecretsServiceAccountAnnotations: cluster.externalSecretsServiceAccountAnnotations,
    install: config.operators.install,
    resourceSelector: config.operators.resourceSelector,
    overrides: {
      certManager: config.operators.certManager,
      strimzi: config.operators.strimzi,
      flink: config.operators.flink,
      externalSecrets: config.operators.externalSecrets,
      opensearch: config.operators.opensearch,
      grafana: config.operators.grafana,
    },
    clusterIssuer: config.clusterIssuer,
    ingressDomain: config.ingressDomain,
    grafanaUrl: config.grafanaUrl,
  });
  return {
    kubeconfig: cluster.kubeconfig,
    renderDirectory: config.renderDirectory,
    clusterName: cluster.clusterName,
    ingressDomain: config.ingressDomain,
    secretStoreName: operators.secretStoreName,
    clusterIssuerName: operators.clusterIssuerName,
    grafanaUrl: operators.grafanaUrl,
    operatorVersions: operators.operatorVersions,
    storageClass: cluster.storageClass,
    cloud: config.cloud,
    flinkJobClusterRole: operators.flinkJobClusterRoleName,
    snapshotBucket: cluster.snapshotBucket,
    kubeContext: config.kubeContext ?? "",
  };
}

/**
 * The environment program: validates the whole stack config first (a bad key fails before any
 * resource is registered), then the cluster source, then the operators.
 */
export function environmentProgram(): EnvironmentOutputs {
  return buildEnvironment(loadEnvironmentConfig());
}
