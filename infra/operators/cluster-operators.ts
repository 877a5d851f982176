import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { PART_OF_LABEL } from "../../contracts/labels";
import type { SecretBackend } from "../cloud/types";
import { chartSource, operatorValues, type ChartOverride } from "./charts";
import {
  clusterIssuerSpec,
  clusterSecretStoreSpec,
  flinkJobRules,
  SECRET_READER_SERVICE_ACCOUNT,
  type ClusterIssuerArgs,
} from "./cluster-operators-spec";
import { EXACT_VERSION, OPERATOR_NAMES, PINNED_CHARTS, pinnedVersions, type OperatorName } from "./versions";

export interface ClusterOperatorsArgs {
  /** The cluster's Kubernetes provider; every child uses it explicitly. */
  provider: k8s.Provider;
  /** Secret manager the ClusterSecretStore reads from. */
  secretBackend: SecretBackend;
  /** Cloud identity annotations for the External Secrets controller's service account (may be empty). */
  externalSecretsServiceAccountAnnotations: pulumi.Input<Record<string, string>>;
  /**
   * Install the operator charts (default true). false registers only namespaces, RBAC, the
   * ClusterSecretStore and the ClusterIssuer: for render-only stacks without network access and for
   * clusters whose operators are managed elsewhere.
   */
  install?: boolean;
  /** `key=value` selector Strimzi and Flink use for the custom resources they reconcile. */
  resourceSelector: string;
  /** Per-operator chart overrides (mirror repository, exact version, vendored chart path). */
  overrides?: Partial<Record<OperatorName, ChartOverride>>;
  /** ACME or self-signed ClusterIssuer. */
  clusterIssuer: ClusterIssuerArgs;
  /** DNS domain ingresses live under; Grafana is served at `grafana.<ingressDomain>`. */
  ingressDomain: string;
  /** An existing Grafana's base URL; set = no Grafana chart is installed. */
  grafanaUrl?: string;
}

/** Validates the args before any child exists; the message names the field. */
export function validateClusterOperatorsArgs(args: ClusterOperatorsArgs): void {
  for (const [name, override] of Object.entries(args.overrides ?? {})) {
    if (!(OPERATOR_NAMES as readonly string[]).includes(name)) {
      throw new Error(`ClusterOperators: overrides.${name} is not an operator (one of ${OPERATOR_NAMES.join(", ")})`);
    }
    if (override?.version !== undefined && !EXACT_VERSION.test(override.version)) {
      throw new Error(`ClusterOperators: overrides.${name}.version must be an exact pinned version`);
    }
  }
  if (args.grafanaUrl !== undefined && !URL.canParse(args.grafanaUrl)) {
    throw new Error("ClusterOperators: grafanaUrl must be a URL");
  }
  if (!/^[A-Za-z0-9./-]+=[A-Za-z0-9._-]+$/.test(args.resourceSelector)) {
    throw new Error("ClusterOperators: resourceSelector must be a key=value label selector");
  }
}

/** Grafana's base URL: the configured one, or the ingress host of the installed chart. */
export function grafanaBaseUrl(args: Pick<ClusterOperatorsArgs, "grafanaUrl" | "ingressDomain">): string {
  return (args.grafanaUrl ?? `https://grafana.${args.ingressDomain}`).replace(/\/+$/, "");
}

/**
 * Cluster-scoped operators, installed once per environment, each in its own namespace, in this
 * order: cert-manager (its CRDs and webhook) before every other operator (Flink and OpenSearch
 * webhooks request certificates from it); each chart's CRDs before the custom resources using them.
 *
 * Charts are installed with `helm.v4.Chart`, not `helm.v3.Release`: v4 renders client-side, so
 * `pulumi preview` shows every Kubernetes object and diffs it field by field, transformations and
 * policies see each object, and it works with `renderYamlToDirectory` (a Release needs a live
 * cluster and is opaque to previews and policies). Helm hooks are rendered as ordinary resources,
 * which these charts tolerate; the only hook that matters (cert-manager's startupapicheck) is
 * disabled because the chart awaits the webhook Deployment anyway.
 */
export class ClusterOperators extends pulumi.ComponentResource {
  public readonly secretStoreName: pulumi.Output<string>;
  public readonly clusterIssuerName: pulumi.Output<string>;
  public readonly grafanaUrl: pulumi.Output<string>;
  public readonly operatorVersions: pulumi.Output<Record<string, string>>;
  /** ClusterRole tenant namespaces bind to their `flink` service account. */
  public readonly flinkJobClusterRoleName: pulumi.Output<string>;

  constructor(name: string, args: ClusterOperatorsArgs, opts?: pulumi.ComponentResourceOptions) {
    validateClusterOperatorsArgs(args);
    super("logclaw:operators:ClusterOperators", name, {}, opts);
    const install = args.install ?? true;
    const overrides = args.overrides ?? {};
    const provider = args.provider;
    const copts = { parent: this, provider };
    const grafanaUrl = grafanaBaseUrl(args);
    const issuer = clusterIssuerSpec(args.clusterIssuer);
    const installed: OperatorName[] = install
      ? OPERATOR_NAMES.filter((n) => n !== "grafana" || args.grafanaUrl === undefined)
      : [];

    const charts = new Map<OperatorName, k8s.helm.v4.Chart>();
    const installChart = (op: OperatorName, dependsOn: pulumi.Resource[]): void => {
      const pinned = PINNED_CHARTS[op];
      const namespace = new k8s.core.v1.Namespace(
        `${name}-ns-${op}`,
        { metadata: { name: pinned.namespace, labels: { ...PART_OF_LABEL, "logclaw.io/operator": op } } },
        copts,
      );
      const values = pulumi.output(args.externalSecretsServiceAccountAnnotations).apply((annotations) =>
        operatorValues(op, {
          resourceSelector: args.resourceSelector,
          externalSecretsServiceAccountAnnotations: annotations,
          grafanaUrl,
          clusterIssuerName: issuer.name,
          ingressClass: args.clusterIssuer.ingressClass,
        }),
      );
      charts.set(
        op,
        new k8s.helm.v4.Chart(
          `${name}-${op}`,
          { ...chartSource(pinned, overrides[op]), name: pinned.releaseName, namespace: namespace.metadata.name, values },
          { ...copts, dependsOn: [namespace, ...dependsOn] },
        ),
      );
    };
    if (installed.includes("certManager")) {
      installChart("certManager", []);
    }
    const certManager = charts.get("certManager");
    for (const op of installed.filter((n) => n !== "certManager")) {
      installChart(op, certManager ? [certManager] : []);
    }

    const clusterIssuer = new k8s.apiextensions.CustomResource(
      `${name}-cluster-issuer`,
      {
        apiVersion: "cert-manager.io/v1",
        kind: "ClusterIssuer",
        metadata: { name: issuer.name, labels: { ...PART_OF_LABEL } },
        spec: issuer.spec,
      },
      { ...copts, dependsOn: certManager ? [certManager] : [] },
    );

    const externalSecrets = charts.get("externalSecrets");
    const secretStoreDeps: pulumi.Resource[] = externalSecrets ? [externalSecrets] : [];
    if (args.secretBackend.kind === "kubernetes") {
      secretStoreDeps.push(...this.createSecretsNamespace(name, args.secretBackend.namespace, copts));
    }
    const secretStore = new k8s.apiextensions.CustomResource(
      `${name}-secret-store`,
      {
        apiVersion: "external-secrets.io/v1",
        kind: "ClusterSecretStore",
        metadata: { name: "logclaw", labels: { ...PART_OF_LABEL } },
        spec: clusterSecretStoreSpec(args.secretBackend),
      },
      { ...copts, dependsOn: secretStoreDeps },
    );

    const flinkRole = new k8s.rbac.v1.ClusterRole(
      `${name}-flink-job`,
      { metadata: { name: "logclaw-flink-job", labels: { ...PART_OF_LABEL } }, rules: flinkJobRules() },
      copts,
    );

    this.secretStoreName = secretStore.metadata.name;
    this.clusterIssuerName = clusterIssuer.metadata.name;
    this.grafanaUrl = pulumi.output(grafanaUrl);
    this.operatorVersions = pulumi.output(
      Object.fromEntries(
        Object.entries(pinnedVersions(overrides)).filter(([op]) => op !== "grafana" || args.grafanaUrl === undefined),
      ),
    );
    this.flinkJobClusterRoleName = flinkRole.metadata.name;
    this.registerOutputs({
      secretStoreName: this.secretStoreName,
      clusterIssuerName: this.clusterIssuerName,
      grafanaUrl: this.grafanaUrl,
      operatorVersions: this.operatorVersions,
      flinkJobClusterRoleName: this.flinkJobClusterRoleName,
    });
  }

  /**
   * Namespace holding LogClaw's secrets on a cluster without a cloud secret manager, and the
   * service account the ClusterSecretStore authenticates as: it may read secrets in that
   * namespace only.
   */
  private createSecretsNamespace(name: string, namespace: string, copts: pulumi.CustomResourceOptions): pulumi.Resource[] {
    const ns = new k8s.core.v1.Namespace(`${name}-secrets-ns`, { metadata: { name: namespace, labels: { ...PART_OF_LABEL } } }, copts);
    const account = new k8s.core.v1.ServiceAccount(
      `${name}-secret-reader`,
      { metadata: { name: SECRET_READER_SERVICE_ACCOUNT, namespace: ns.metadata.name, labels: { ...PART_OF_LABEL } } },
      copts,
    );
    const role = new k8s.rbac.v1.Role(
      `${name}-secret-reader`,
      {
        metadata: { name: SECRET_READER_SERVICE_ACCOUNT, namespace: ns.metadata.name, labels: { ...PART_OF_LABEL } },
        rules: [{ apiGroups: [""], resources: ["secrets"], verbs: ["get", "list", "watch"] }],
      },
      copts,
    );
    const binding = new k8s.rbac.v1.RoleBinding(
      `${name}-secret-reader`,
      {
        metadata: { name: SECRET_READER_SERVICE_ACCOUNT, namespace: ns.metadata.name, labels: { ...PART_OF_LABEL } },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role.metadata.name },
        subjects: [{ kind: "ServiceAccount", name: account.metadata.name, namespace: ns.metadata.name }],
      },
      copts,
    );
    return [ns, account, role, binding];
  }
}
