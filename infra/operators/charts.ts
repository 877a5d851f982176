import { PINNED_CHARTS, type OperatorName, type PinnedChart } from "./versions";

/** Per-operator override of the pinned chart (stack config `logclaw:operators.<name>`). */
export interface ChartOverride {
  /** Exact chart version replacing the pinned one (must ship matching CRDs). */
  version?: string;
  /** Helm repository URL or `oci://` registry path, e.g. an internal mirror. */
  repo?: string;
  /** Local chart directory or `.tgz` (vendored chart); wins over `repo` and needs no network. */
  chartPath?: string;
}

/** The `chart`/`version`/`repositoryOpts` inputs of a `helm.v4.Chart`. */
export interface ChartSource {
  chart: string;
  version?: string;
  repositoryOpts?: { repo: string };
}

/** Resolves where a chart comes from: a vendored path, an OCI reference, or a classic repository. */
export function chartSource(pinned: PinnedChart, override: ChartOverride = {}): ChartSource {
  if (override.chartPath !== undefined) {
    return { chart: override.chartPath };
  }
  const repo = override.repo ?? pinned.repo;
  const version = override.version ?? pinned.version;
  if (repo.startsWith("oci://")) {
    return { chart: `${repo.replace(/\/+$/, "")}/${pinned.chart}`, version };
  }
  return { chart: pinned.chart, version, repositoryOpts: { repo } };
}

/** What the chart values depend on besides the pinned table. */
export interface ValuesContext {
  /** `key=value` selector Strimzi and Flink use to pick the custom resources they reconcile. */
  resourceSelector: string;
  /** Annotations granting the External Secrets controller its cloud identity. */
  externalSecretsServiceAccountAnnotations: Record<string, string>;
  /** Grafana's public base URL. */
  grafanaUrl: string;
  /** ClusterIssuer that signs Grafana's ingress certificate. */
  clusterIssuerName: string;
  /** Ingress class for Grafana. */
  ingressClass: string;
}

const resources = (cpu: string, memory: string, cpuLimit: string, memoryLimit: string) => ({
  requests: { cpu, memory },
  limits: { cpu: cpuLimit, memory: memoryLimit },
});

/**
 * Helm values per operator. Every operator watches all namespaces (none of these charts can
 * select namespaces by label); tenancy is enforced where the operators allow it: Strimzi and Flink
 * reconcile only custom resources matching `resourceSelector`, and the ClusterSecretStore serves
 * only namespaces labelled `logclaw.io/tenant`.
 */
export function operatorValues(name: OperatorName, ctx: ValuesContext): Record<string, unknown> {
  const pinned = PINNED_CHARTS[name];
  switch (name) {
    case "certManager":
      return {
        crds: { enabled: true, keep: true },
        global: { leaderElection: { namespace: pinned.namespace } },
        resources: resources("50m", "128Mi", "500m", "256Mi"),
        webhook: { resources: resources("20m", "64Mi", "200m", "128Mi") },
        cainjector: { resources: resources("20m", "128Mi", "200m", "256Mi") },
        // The startupapicheck Job is a post-install hook; helm.v4.Chart already awaits the
        // webhook Deployment, so the hook would only add a second, slower readiness gate.
        startupapicheck: { enabled: false },
      };
    case "strimzi":
      return {
        watchAnyNamespace: true,
        defaultImageTag: pinned.version,
        extraEnvs: [{ name: "STRIMZI_CUSTOM_RESOURCE_SELECTOR", value: ctx.resourceSelector }],
        resources: resources("200m", "384Mi", "1000m", "384Mi"),
      };
    case "flink":
      return {
        // Unset watchNamespaces = all namespaces with cluster-scoped RBAC (chart values.yaml).
        image: pinned.image,
        webhook: { create: true },
        defaultConfiguration: {
          create: true,
          append: true,
          "flink-conf.yaml": `kubernetes.operator.label.selector: ${ctx.resourceSelector}\n`,
        },
      };
    case "externalSecrets":
      return {
        installCRDs: true,
        serviceAccount: { create: true, name: "external-secrets", annotations: ctx.externalSecretsServiceAccountAnnotations },
        resources: resources("50m", "128Mi", "500m", "256Mi"),
        webhook: { resources: resources("20m", "64Mi", "200m", "128Mi") },
        certController: { resources: resources("20m", "64Mi", "200m", "128Mi") },
      };
    case "opensearch":
      return {
        installCRDs: true,
        // Empty = all namespaces (chart values.yaml: "Defaults is to watch all namespaces").
        manager: { watchNamespace: "", image: { ...pinned.image, pullPolicy: "IfNotPresent" } },
        securityContext: { runAsNonRoot: true },
      };
    case "grafana": {
      const host = new URL(ctx.grafanaUrl).hostname;
      return {
        "grafana.ini": { server: { root_url: ctx.grafanaUrl } },
        ingress: {
          enabled: true,
          ingressClassName: ctx.ingressClass,
          hosts: [host],
          annotations: { "cert-manager.io/cluster-issuer": ctx.clusterIssuerName },
          tls: [{ secretName: "grafana-tls", hosts: [host] }],
        },
        sidecar: {
          dashboards: { enabled: true, label: "grafana_dashboard", labelValue: "1", searchNamespace: "ALL", folderAnnotation: "logclaw.io/dashboard-folder" },
          datasources: { enabled: true, label: "grafana_datasource", labelValue: "1", searchNamespace: "ALL" },
        },
        resources: resources("100m", "256Mi", "500m", "512Mi"),
        securityContext: { runAsNonRoot: true, runAsUser: 472, runAsGroup: 472, fsGroup: 472 },
      };
    }
  }
}
