/**
 * The single place operator charts are pinned. Versions match the CRDs vendored in
 * ../shared/crds (see its README.md): a bump here must come with the matching CRDs there, and
 * test/infra/operators/versions.test.ts checks the two agree.
 */

/** An exact release: `1.2.0`, `v1.21.1`, `3.0.0-alpha`; never a range, `latest` or `1.x`. */
export const EXACT_VERSION = /^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;

export const OPERATOR_NAMES = ["certManager", "strimzi", "flink", "externalSecrets", "opensearch", "grafana"] as const;
export type OperatorName = (typeof OPERATOR_NAMES)[number];

export interface PinnedChart {
  /** Chart name in `repo` (or the full `oci://` reference when `repo` is an OCI registry). */
  chart: string;
  /** Exact chart version: never a range. */
  version: string;
  /** Helm repository URL or `oci://` registry path. */
  repo: string;
  /** Namespace the operator runs in (one per operator). */
  namespace: string;
  /** Release name, which prefixes the chart's resource names. */
  releaseName: string;
  /** Images pinned explicitly where the chart's default tag is not the release itself. */
  image?: { repository: string; tag: string };
}

export const PINNED_CHARTS: Readonly<Record<OperatorName, PinnedChart>> = {
  certManager: {
    chart: "cert-manager",
    version: "v1.21.1",
    repo: "https://charts.jetstack.io",
    namespace: "cert-manager",
    releaseName: "cert-manager",
  },
  strimzi: {
    chart: "strimzi-kafka-operator",
    version: "1.2.0",
    repo: "oci://quay.io/strimzi-helm",
    namespace: "strimzi-system",
    releaseName: "strimzi",
  },
  flink: {
    chart: "flink-kubernetes-operator",
    version: "1.15.0",
    repo: "https://downloads.apache.org/flink/flink-kubernetes-operator-1.15.0/",
    namespace: "flink-operator",
    releaseName: "flink-operator",
    // The release chart sets image.tag to the 7-character release commit (79d730b...).
    image: { repository: "ghcr.io/apache/flink-kubernetes-operator", tag: "79d730b" },
  },
  externalSecrets: {
    chart: "external-secrets",
    version: "2.9.0",
    repo: "https://charts.external-secrets.io",
    namespace: "external-secrets",
    releaseName: "external-secrets",
  },
  opensearch: {
    chart: "opensearch-operator",
    version: "3.0.2",
    repo: "https://opensearch-project.github.io/opensearch-k8s-operator/",
    namespace: "opensearch-operator",
    releaseName: "opensearch-operator",
    // Chart 3.0.2's appVersion; its values default points at the older opsterio registry.
    image: { repository: "opensearchproject/opensearch-operator", tag: "3.0.0-alpha" },
  },
  grafana: {
    chart: "grafana",
    version: "8.8.2",
    repo: "https://grafana.github.io/helm-charts",
    namespace: "logclaw-grafana",
    releaseName: "grafana",
  },
};

/** Operator name -> pinned version, as exported by the environment stack (`operatorVersions`). */
export function pinnedVersions(overrides: Partial<Record<OperatorName, { version?: string }>> = {}): Record<OperatorName, string> {
  return Object.fromEntries(
    OPERATOR_NAMES.map((n) => [n, overrides[n]?.version ?? PINNED_CHARTS[n].version]),
  ) as Record<OperatorName, string>;
}
