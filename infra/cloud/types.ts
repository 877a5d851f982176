import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

/**
 * Where the cluster's External Secrets Operator reads secrets from. LogClaw secrets live under the
 * `logclaw/` prefix (AWS Secrets Manager), the `logclaw-` prefix (GCP Secret Manager, whose names
 * cannot hold `/`) or in one namespace of the cluster itself (`existing`).
 */
export type SecretBackend =
  | { kind: "aws"; region: string }
  | { kind: "gcp"; projectId: string }
  | { kind: "kubernetes"; namespace: string };

/** What every cluster source hands to the operators and the stack outputs. */
export interface ClusterSource {
  /** The Kubernetes provider every later resource uses explicitly. */
  readonly provider: k8s.Provider;
  /** Kubeconfig for tenant stacks, always a secret ("" when rendering to a directory). */
  readonly kubeconfig: pulumi.Output<string>;
  readonly clusterName: pulumi.Output<string>;
  /** Storage class tenant volumes use. */
  readonly storageClass: pulumi.Output<string>;
  /** Set only in render-only mode. */
  readonly renderDirectory?: string;
  readonly secretBackend: SecretBackend;
  /**
   * Annotations for the External Secrets controller's service account that grant it the cloud
   * identity scoped to LogClaw's secrets (IRSA role ARN or GKE Workload Identity GSA).
   */
  readonly externalSecretsServiceAccountAnnotations: pulumi.Output<Record<string, string>>;
  /** Bucket for OpenSearch snapshots ("" when the cluster source has none). */
  readonly snapshotBucket: pulumi.Output<string>;
}

/** Namespace and name of the External Secrets controller's service account (chart defaults). */
export const EXTERNAL_SECRETS_SERVICE_ACCOUNT = { namespace: "external-secrets", name: "external-secrets" } as const;
