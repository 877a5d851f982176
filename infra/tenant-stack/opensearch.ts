import { PART_OF_LABEL } from "../../contracts/labels";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { INCIDENTS_INDEX, LOG_INDEX_PATTERN, LOG_INDEX_TEMPLATE, SPAN_INDEX_PATTERN, SPAN_INDEX_TEMPLATE, TICKETS_INDEX, WORKFLOW_INDEX } from "../../contracts/opensearch/index-names";
import { logIndexTemplate, spanIndexTemplate } from "../../contracts/opensearch/mappings";
import { RETAINED_DATA, retentionPolicyId, retentionPolicySpec as retentionModelSpec, type RetainedData } from "../../contracts/opensearch/retention";
import type { OpenSearchPoolSpec, OpenSearchTier, TierSpec } from "../../contracts/tenant/tiers";
import { k8sOptions, objectMeta, type TenantContext } from "./context";
import { OBJECT_NAMES, OPENSEARCH_USERS, openSearchUrl, openSearchUserSecret } from "./names";
import { containerSecurityContext, podSecurityContext, resourceRequirements, topologySpread } from "./pod-security";

export const OPENSEARCH_VERSION = "3.1.0";
export const LOGS_INDEX_PATTERN = LOG_INDEX_PATTERN;

export const OPENSEARCH_POD_LABELS = { "app.kubernetes.io/name": "opensearch", ...PART_OF_LABEL };
export const OPENSEARCH_POOL_LABEL = "logclaw.io/opensearch-pool";
export const DASHBOARDS_POD_LABELS = { "app.kubernetes.io/name": "opensearch-dashboards", ...PART_OF_LABEL };

export interface OpenSearchArgs {
  context: TenantContext;
  /** Created before the cluster: the admin and user credential Secrets. */
  credentials: pulumi.Resource[];
}

/** Node pools of the OpenSearchCluster: one all-role pool, or cluster-manager + data + coordinating. */
export function openSearchNodePools(
  os: OpenSearchTier,
  tier: TierSpec,
  storageClass: string | undefined,
): Record<string, unknown>[] {
  const pool = (component: string, spec: OpenSearchPoolSpec, roles: string[]) => {
    // Our own pod labels: network policies and spread must not depend on the operator's label names.
    const labels = { ...OPENSEARCH_POD_LABELS, [OPENSEARCH_POOL_LABEL]: component };
    const spread = topologySpread(tier, { [OPENSEARCH_POOL_LABEL]: component });
    return {
      component,
      labels,
      replicas: spec.replicas,
      roles,
      diskSize: `${spec.storageGi}Gi`,
      jvm: `-Xms${spec.heap} -Xmx${spec.heap}`,
      resources: resourceRequirements(spec.resources),
      persistence: { pvc: { accessModes: ["ReadWriteOnce"], ...(storageClass ? { storageClass } : {}) } },
      ...(tier.availability.podDisruptionBudgets && spec.replicas > 1 ? { pdb: { enable: true, maxUnavailable: 1 } } : {}),
      ...(spread ? { topologySpreadConstraints: spread } : {}),
    };
  };
  if (os.topology === "single") return [pool("nodes", os.data, ["cluster_manager", "data", "ingest"])];
  if (!os.clusterManager || !os.coordinating) throw new Error("the dedicated OpenSearch topology needs clusterManager and coordinating pools");
  return [
    pool("cluster-managers", os.clusterManager, ["cluster_manager"]),
    pool("data", os.data, ["data", "ingest"]),
    // A node with no roles is a coordinating-only node in OpenSearch.
    pool("coordinators", os.coordinating, []),
  ];
}

/** Shards and replicas of a daily log index: one shard per data node, one replica when there is a second node. */
export function logIndexSizing(os: OpenSearchTier): { shards: number; replicas: number } {
  return { shards: Math.max(1, os.data.replicas), replicas: os.data.replicas > 1 ? 1 : 0 };
}

/**
 * The OpensearchIndexTemplate spec: exactly the template the bridge puts at start-up under the same
 * name (contracts/opensearch/mappings.ts), so operator and bridge never fight over its content.
 * Spans are sized like logs: both are daily indices fed at the ingest rate.
 */
export function indexTemplateSpec(os: OpenSearchTier, cluster: string, data: RetainedData = "logs"): Record<string, unknown> {
  const body = (data === "logs" ? logIndexTemplate : spanIndexTemplate)(logIndexSizing(os));
  return {
    opensearchCluster: { name: cluster },
    name: data === "logs" ? LOG_INDEX_TEMPLATE : SPAN_INDEX_TEMPLATE,
    indexPatterns: body.index_patterns,
    priority: body.priority,
    template: body.template,
    _meta: body._meta,
  };
}

/** The OpenSearchISMPolicy spec: the tenant's log or span retention (contracts/opensearch/retention.ts) on this cluster. */
export function retentionPolicySpec(retentionDays: number, cluster: string, data: RetainedData = "logs"): Record<string, unknown> {
  return { opensearchCluster: { name: cluster }, ...retentionModelSpec(data, retentionDays) };
}

/** Index and cluster permissions of the data-plane users. */
export function openSearchRoles(): Record<string, { clusterPermissions: string[]; indexPermissions: Record<string, unknown>[] }> {
  return {
    [OPENSEARCH_USERS.bridge]: {
      // The bridge ensures its index template and ISM policy at start-up, so it also runs where no
      // operator created them.
      clusterPermissions: [
        "cluster_monitor",
        "cluster_composite_ops",
        "indices:admin/index_template/get",
        "indices:admin/index_template/put",
        "cluster:admin/opendistro/ism/policy/get",
        "cluster:admin/opendistro/ism/policy/write",
      ],
      // Refresh: before publishing incident events the bridge makes their sample logs searchable
      // (the log indices refresh only every 30 s on their own).
      indexPermissions: [{ indexPatterns: ["logclaw-*"], allowedActions: ["crud", "create_index", "indices_monitor", "indices:admin/refresh*"] }],
    },
    [OPENSEARCH_USERS.ticketing]: {
      clusterPermissions: ["cluster_monitor", "cluster_composite_ops_ro"],
      indexPermissions: [
        // Spans: the API's exemplar traces (`/api/traces/:traceId`, `/api/incidents/:id/traces`).
        { indexPatterns: [LOGS_INDEX_PATTERN, SPAN_INDEX_PATTERN], allowedActions: ["read", "search"] },
        // Workflow: the API stores people's actions and verdicts; the bridge reads verdicts under its logclaw-* grant.
        { indexPatterns: [INCIDENTS_INDEX, TICKETS_INDEX, WORKFLOW_INDEX], allowedActions: ["crud", "create_index"] },
      ],
    },
  };
}

/**
 * OpenSearch via the OpenSearch operator (`opensearch.org/v1`): cluster with security and TLS on,
 * node pools from the tier, Dashboards, the log and span index templates and ISM retention policies, and one
 * user + role + binding per data-plane client.
 */
export class OpenSearch extends pulumi.ComponentResource {
  public readonly url: pulumi.Output<string>;
  public readonly cluster: k8s.apiextensions.CustomResource;
  public readonly readyResources: pulumi.Resource[];

  constructor(name: string, args: OpenSearchArgs, opts?: pulumi.ComponentResourceOptions) {
    super("logclaw:tenant:OpenSearch", name, {}, opts);
    const ctx = args.context;
    const { opensearch, tier, tenant } = ctx.plan;
    const cluster = OBJECT_NAMES.openSearchCluster;
    const credentials = { name: OBJECT_NAMES.openSearchAdminSecret };

    this.cluster = new k8s.apiextensions.CustomResource(
      `${name}-cluster`,
      {
        apiVersion: "opensearch.org/v1",
        kind: "OpenSearchCluster",
        metadata: objectMeta(ctx, cluster, "opensearch"),
        spec: {
          general: {
            serviceName: cluster,
            version: OPENSEARCH_VERSION,
            httpPort: 9200,
            // vm.max_map_count needs a privileged init container, which Pod Security `restricted`
            // forbids; the environment's node pools set the sysctl instead.
            setVMMaxMapCount: false,
            podSecurityContext: { ...podSecurityContext(), runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000 },
            securityContext: { ...containerSecurityContext(), readOnlyRootFilesystem: false },
          },
          security: {
            config: { adminCredentialsSecret: credentials },
            tls: { transport: { generate: true, perNode: true }, http: { generate: true } },
          },
          nodePools: pulumi.output(ctx.storageClass).apply((sc) => openSearchNodePools(opensearch, tier, sc)),
          dashboards: {
            enable: true,
            version: OPENSEARCH_VERSION,
            labels: DASHBOARDS_POD_LABELS,
            replicas: opensearch.dashboards.replicas,
            resources: resourceRequirements(opensearch.dashboards.resources),
            opensearchCredentialsSecret: credentials,
            podSecurityContext: { ...podSecurityContext(), runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000 },
            securityContext: { ...containerSecurityContext(), readOnlyRootFilesystem: false },
          },
        },
      },
      k8sOptions(this, ctx, args.credentials),
    );

    const after = k8sOptions(this, ctx, [this.cluster]);
    const ready: pulumi.Resource[] = [this.cluster];
    // Logs keep their original child names (`-index-template`, `-retention`); spans add `-spans`.
    for (const data of RETAINED_DATA) {
      const suffix = data === "logs" ? "" : `-${data}`;
      ready.push(
        new k8s.apiextensions.CustomResource(
          `${name}-index-template${suffix}`,
          {
            apiVersion: "opensearch.org/v1",
            kind: "OpensearchIndexTemplate",
            metadata: objectMeta(ctx, data === "logs" ? LOG_INDEX_TEMPLATE : SPAN_INDEX_TEMPLATE, "opensearch"),
            spec: indexTemplateSpec(opensearch, cluster, data),
          },
          after,
        ),
        new k8s.apiextensions.CustomResource(
          `${name}-retention${suffix}`,
          {
            apiVersion: "opensearch.org/v1",
            kind: "OpenSearchISMPolicy",
            metadata: objectMeta(ctx, retentionPolicyId(data), "opensearch"),
            spec: retentionPolicySpec(tenant.retentionDays, cluster, data),
          },
          after,
        ),
      );
    }
    for (const [user, role] of Object.entries(openSearchRoles())) {
      const roleResource = new k8s.apiextensions.CustomResource(
        `${name}-role-${user}`,
        {
          apiVersion: "opensearch.org/v1",
          kind: "OpensearchRole",
          metadata: objectMeta(ctx, user, "opensearch"),
          spec: { opensearchCluster: { name: cluster }, ...role },
        },
        after,
      );
      const userResource = new k8s.apiextensions.CustomResource(
        `${name}-user-${user}`,
        {
          apiVersion: "opensearch.org/v1",
          kind: "OpensearchUser",
          metadata: objectMeta(ctx, user, "opensearch"),
          spec: { opensearchCluster: { name: cluster }, passwordFrom: { name: openSearchUserSecret(user), key: "password" } },
        },
        after,
      );
      ready.push(
        roleResource,
        userResource,
        new k8s.apiextensions.CustomResource(
          `${name}-binding-${user}`,
          {
            apiVersion: "opensearch.org/v1",
            kind: "OpensearchUserRoleBinding",
            metadata: objectMeta(ctx, user, "opensearch"),
            spec: { opensearchCluster: { name: cluster }, users: [user], roles: [user] },
          },
          k8sOptions(this, ctx, [roleResource, userResource]),
        ),
      );
    }
    this.readyResources = ready;
    this.url = pulumi.output(openSearchUrl(ctx.tenantId));
    this.registerOutputs({ url: this.url });
  }
}
