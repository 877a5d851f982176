import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { formatFieldPath } from "../../contracts/tenant/load";
import { tenantSchema, type TenantConfig } from "../../contracts/tenant/schema";
import { resolveTenantPlan, validateTenantAgainstTier } from "../../contracts/tenant/tiers";
import { Collector } from "./collector";
import type { TenantContext } from "./context";
import { Dashboards } from "./dashboards";
import { Ingress } from "./ingress";
import { Kafka } from "./kafka";
import { tenantNamespace } from "./names";
import { NetworkPolicies } from "./network-policies";
import { TenantNamespace } from "./namespace";
import { OpenSearch } from "./opensearch";
import { SECRET_STORE_CLOUDS, type SecretStoreCloud } from "./secret-keys";
import { Secrets, externalSecretPlan, storeKeyProblems } from "./secrets";
import { Workloads } from "./workloads";

export interface TenantStackArgs {
  /** The validated tenant file (`tenants/<id>.yaml`). Re-validated here, including tier bounds. */
  tenant: TenantConfig;
  /** Kubernetes provider of the environment's cluster (or one rendering YAML). Required. */
  provider: k8s.Provider;
  /** DNS domain under which the tenant's hosts are published (environment `ingressDomain`). */
  ingressDomain: pulumi.Input<string>;
  /** ClusterSecretStore of the External Secrets Operator (environment `secretStoreName`). */
  secretStoreName: pulumi.Input<string>;
  /**
   * Cloud of the environment (its `cloud` output: `aws`, `gcp` or `existing`). It decides how the
   * tenant file's secret keys are named in the store: unchanged for `aws`, `/` -> `-` for `gcp`
   * (Secret Manager) and `existing` (Kubernetes Secrets), see `secretStoreKey`.
   * Default: keys unchanged, as for `aws`.
   */
  cloud?: pulumi.Input<SecretStoreCloud | undefined>;
  /** cert-manager ClusterIssuer (environment `clusterIssuerName`). */
  clusterIssuerName: pulumi.Input<string>;
  /** Grafana base URL (environment `grafanaUrl`), used for `dashboardUrl`. */
  grafanaUrl: pulumi.Input<string>;
  /** Storage class of persistent volumes. Default: the cluster default. */
  storageClass?: pulumi.Input<string>;
  /** Image of the bridge and ticketing containers; repository defaults to ghcr.io/logclaw/logclaw, tag must not be `latest`. */
  image: { repository?: string; tag: string };
  /** Ingestion API key. Default: generated, 32 characters. */
  apiKey?: pulumi.Input<string>;
  /** IngressClass. Default `nginx`. */
  ingressClassName?: string;
  /** Namespace of the ingress controller. Default `ingress-nginx`. */
  ingressNamespace?: string;
  /** Namespaces of the Strimzi and OpenSearch operators. Default the environment stack's names. */
  operatorNamespaces?: string[];
  /** Namespace of Prometheus (scrapes the workloads). Default `monitoring`. */
  monitoringNamespace?: string;
}

/**
 * Where the environment stack installs the operators that reconcile a tenant's Kafka and OpenSearch
 * (infra/operators); they reach into the tenant namespace.
 */
export const DEFAULT_OPERATOR_NAMESPACES = ["strimzi-system", "opensearch-operator"];

const IMAGE_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/** Checks the args before any resource exists; one message per problem, naming the field. */
export function validateTenantStackArgs(args: TenantStackArgs): string[] {
  const problems: string[] = [];
  const parsed = tenantSchema.safeParse(args.tenant);
  if (!parsed.success) {
    problems.push(...parsed.error.issues.map((i) => `tenant.${formatFieldPath(i.path)}: ${i.message}`));
  } else {
    problems.push(...validateTenantAgainstTier(parsed.data).map((i) => `tenant.${i.path}: ${i.message}`));
  }
  // The cloud usually arrives as a stack output; a known one is checked here, an output when resolved.
  if (typeof args.cloud === "string") {
    if (!SECRET_STORE_CLOUDS.includes(args.cloud)) problems.push(`cloud: must be one of ${SECRET_STORE_CLOUDS.join(", ")}`);
    else if (parsed.success && problems.length === 0) {
      problems.push(...storeKeyProblems(externalSecretPlan({ plan: resolveTenantPlan(parsed.data) }), args.cloud));
    }
  }
  if (!IMAGE_TAG.test(args.image.tag)) problems.push("image.tag: must be a valid image tag");
  else if (args.image.tag === "latest") problems.push("image.tag: must be pinned, not latest");
  return problems;
}

/**
 * One tenant's isolated data plane in `logclaw-<id>`: namespace with quota and Pod Security
 * `restricted`, network policies, Kafka, OpenSearch, the collector, the bridge and ticketing agent,
 * credentials, ingress with TLS and a Grafana dashboard.
 */
export class TenantStack extends pulumi.ComponentResource {
  public readonly namespace: pulumi.Output<string>;
  public readonly otlpHttpEndpoint: pulumi.Output<string>;
  public readonly otlpGrpcEndpoint: pulumi.Output<string>;
  public readonly dashboardUrl: pulumi.Output<string>;
  public readonly searchUrl: pulumi.Output<string>;
  public readonly apiKey: pulumi.Output<string>;
  public readonly kafkaBootstrap: pulumi.Output<string>;
  public readonly openSearchUrl: pulumi.Output<string>;

  constructor(name: string, args: TenantStackArgs, opts?: pulumi.ComponentResourceOptions) {
    super("logclaw:tenant:TenantStack", name, {}, opts);
    const problems = validateTenantStackArgs(args);
    if (problems.length > 0) throw new pulumi.ResourceError(`invalid TenantStack ${name}: ${problems.join("; ")}`, this);

    const plan = resolveTenantPlan(tenantSchema.parse(args.tenant));
    const tenantId = plan.tenant.id;
    const namespaceName = tenantNamespace(tenantId);
    const ns = new TenantNamespace(
      `${name}-namespace`,
      { tenantId, namespace: namespaceName, tier: plan.tier, provider: args.provider },
      { parent: this },
    );
    const ctx: TenantContext = {
      plan,
      tenantId,
      namespace: namespaceName,
      provider: args.provider,
      namespaceResource: ns.namespace,
      storageClass: pulumi.output(args.storageClass ?? "").apply((sc) => (sc ? sc : undefined)),
    };
    const child = { parent: this };

    new NetworkPolicies(
      `${name}-network`,
      {
        context: ctx,
        flows: {
          operatorNamespaces: args.operatorNamespaces ?? DEFAULT_OPERATOR_NAMESPACES,
          ingressNamespace: args.ingressNamespace ?? "ingress-nginx",
          monitoringNamespace: args.monitoringNamespace ?? "monitoring",
          ticketingEgress: plan.needsExternalEgress,
        },
      },
      child,
    );
    const secrets = new Secrets(`${name}-secrets`, { context: ctx, secretStoreName: args.secretStoreName, cloud: args.cloud, apiKey: args.apiKey }, child);
    const kafka = new Kafka(`${name}-kafka`, { context: ctx }, child);
    const opensearch = new OpenSearch(`${name}-opensearch`, { context: ctx, credentials: secrets.resources }, child);
    new Collector(`${name}-collector`, { context: ctx, after: [...kafka.readyResources, ...secrets.resources] }, child);
    const dashboards = new Dashboards(`${name}-dashboards`, { context: ctx, grafanaUrl: args.grafanaUrl }, child);
    new Workloads(
      `${name}-workloads`,
      {
        context: ctx,
        image: args.image,
        dashboardUrl: dashboards.url,
        after: [...kafka.readyResources, ...opensearch.readyResources, ...secrets.resources],
      },
      child,
    );
    const ingress = new Ingress(
      `${name}-ingress`,
      {
        context: ctx,
        ingressDomain: args.ingressDomain,
        clusterIssuerName: args.clusterIssuerName,
        ingressClassName: args.ingressClassName ?? "nginx",
      },
      child,
    );

    this.namespace = ns.name;
    this.otlpHttpEndpoint = pulumi.interpolate`https://${ingress.otlpHttpHost}`;
    this.otlpGrpcEndpoint = pulumi.interpolate`${ingress.otlpGrpcHost}:443`;
    this.searchUrl = pulumi.interpolate`https://${ingress.searchHost}`;
    this.dashboardUrl = dashboards.url;
    this.apiKey = secrets.apiKey;
    this.kafkaBootstrap = kafka.bootstrap;
    this.openSearchUrl = opensearch.url;
    this.registerOutputs({
      namespace: this.namespace,
      otlpHttpEndpoint: this.otlpHttpEndpoint,
      otlpGrpcEndpoint: this.otlpGrpcEndpoint,
      dashboardUrl: this.dashboardUrl,
      searchUrl: this.searchUrl,
      apiKey: this.apiKey,
      kafkaBootstrap: this.kafkaBootstrap,
      openSearchUrl: this.openSearchUrl,
    });
  }
}
