/** Cluster source of the environment (its `cloud` output); it decides the secret store's naming. */
export type SecretStoreCloud = "aws" | "gcp" | "existing";

export const SECRET_STORE_CLOUDS: readonly SecretStoreCloud[] = ["aws", "gcp", "existing"];

/** GCP Secret Manager secret ids: letters, digits, `_` and `-`, at most 255 characters. */
const GCP_SECRET_ID = /^[A-Za-z0-9_-]{1,255}$/;
/** Kubernetes Secret names: a DNS subdomain (RFC 1123), at most 253 characters. */
const KUBERNETES_NAME = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * The name under which the environment's ClusterSecretStore finds a tenant-file key
 * (`logclaw/<tenant>/<name>`). AWS Secrets Manager holds `/`, so the key is used as is. GCP Secret
 * Manager names cannot hold `/` and the External Secrets service account may read only `logclaw-*`
 * (infra/cloud/gcp.ts); the Kubernetes-backed store of an `existing` cluster reads Secrets in one
 * namespace, whose names cannot hold `/` either: both get `/` replaced by `-`
 * (`logclaw/acme/jira` -> `logclaw-acme-jira`). Unset cloud: the key unchanged.
 * Returns an error message instead when the mapped name is not valid in that store.
 */
export function secretStoreKey(key: string, cloud: SecretStoreCloud | undefined): { key: string } | { error: string } {
  switch (cloud) {
    case undefined:
    case "aws":
      return { key };
    case "gcp": {
      const mapped = key.replaceAll("/", "-");
      return GCP_SECRET_ID.test(mapped)
        ? { key: mapped }
        : { error: `${key} maps to GCP secret ${mapped}, which is not a Secret Manager name (letters, digits, '_', '-')` };
    }
    case "existing": {
      const mapped = key.replaceAll("/", "-");
      return KUBERNETES_NAME.test(mapped)
        ? { key: mapped }
        : { error: `${key} maps to Kubernetes Secret ${mapped}, which is not a Secret name (lower-case letters, digits, '-', '.')` };
    }
    default:
      return { error: `unknown cloud ${String(cloud)}: must be one of ${SECRET_STORE_CLOUDS.join(", ")}` };
  }
}
