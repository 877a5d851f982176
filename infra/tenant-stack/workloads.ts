import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { stringify } from "yaml";
import { k8sOptions, objectMeta, typed, type TenantContext } from "./context";
import { CA_MOUNTS, HTTP_PORT, IMAGE_REPOSITORY, TENANT_FILE_PATH, containerEnv } from "./env";
import { OBJECT_NAMES, selectorLabels } from "./names";
import { logIndexSizing } from "./opensearch";
import { wantsPdb } from "./pod-security";
import { deploymentSpec } from "./workloads-spec";

export interface WorkloadsArgs {
  context: TenantContext;
  /** Image of both containers; `tag` must be pinned (never `latest`). */
  image: { repository?: string; tag: string };
  /** Linked from tickets: the tenant's Grafana dashboard. */
  dashboardUrl: pulumi.Input<string>;
  /** Kafka topics and users, OpenSearch users, Secrets: created before the containers start. */
  after: pulumi.Resource[];
}

const probes = {
  livenessProbe: { httpGet: { path: "/healthz", port: HTTP_PORT }, periodSeconds: 10, failureThreshold: 3 },
  readinessProbe: { httpGet: { path: "/readyz", port: HTTP_PORT }, periodSeconds: 5, failureThreshold: 3 },
};

/** The bridge and ticketing Deployments (one image), their tenant-file ConfigMap, Services and PDBs. */
export class Workloads extends pulumi.ComponentResource {
  public readonly ticketingServiceName: pulumi.Output<string>;

  constructor(name: string, args: WorkloadsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("logclaw:tenant:Workloads", name, {}, opts);
    const ctx = args.context;
    const { tenant, tier, workloads, platforms } = ctx.plan;
    const image = `${args.image.repository ?? IMAGE_REPOSITORY}:${args.image.tag}`;

    const tenantConfig = new k8s.core.v1.ConfigMap(
      `${name}-tenant-file`,
      // The validated tenant file (defaults filled in); it holds secret references only.
      { metadata: objectMeta(ctx, OBJECT_NAMES.tenantConfig, "config"), data: { "tenant.yaml": stringify(tenant) } },
      k8sOptions(this, ctx),
    );

    const roles = [
      { role: "bridge" as const, workload: OBJECT_NAMES.bridge, spec: workloads.bridge },
      { role: "ticketing" as const, workload: OBJECT_NAMES.ticketing, spec: workloads.ticketing },
    ];
    const services: Record<string, k8s.core.v1.Service> = {};
    for (const { role, workload, spec } of roles) {
      const serviceAccount = new k8s.core.v1.ServiceAccount(
        `${name}-${role}-service-account`,
        { metadata: objectMeta(ctx, workload, role), automountServiceAccountToken: false },
        k8sOptions(this, ctx),
      );
      const env = pulumi.output(args.dashboardUrl).apply((dashboardUrl) =>
        containerEnv(role, {
          tenantId: ctx.tenantId,
          dashboardUrl,
          platforms,
          llmCredentials: tenant.llm?.credentials !== undefined && tier.features.llmRca,
          logIndexSizing: logIndexSizing(tier.opensearch),
        }),
      );
      new k8s.apps.v1.Deployment(
        `${name}-${role}`,
        {
          metadata: objectMeta(ctx, workload, role),
          spec: env.apply((envVars) =>
            typed<k8s.types.input.apps.v1.DeploymentSpec>(deploymentSpec({
              tenantId: ctx.tenantId,
              workload,
              component: role,
              tier,
              spec,
              serviceAccountName: workload,
              container: {
                name: role,
                image,
                command: ["logclaw", role],
                ports: [{ name: "http", containerPort: HTTP_PORT }],
                env: envVars,
                ...probes,
                volumeMounts: [
                  { name: "tenant-file", mountPath: TENANT_FILE_PATH, subPath: "tenant.yaml", readOnly: true },
                  ...CA_MOUNTS.map((m) => ({ name: m.volume, mountPath: m.dir, readOnly: true })),
                  { name: "tmp", mountPath: "/tmp" },
                ],
              },
              volumes: [
                { name: "tenant-file", configMap: { name: OBJECT_NAMES.tenantConfig } },
                ...CA_MOUNTS.map((m) => ({ name: m.volume, secret: { secretName: m.secret, items: [{ key: "ca.crt", path: "ca.crt" }] } })),
              ],
            })),
          ),
        },
        k8sOptions(this, ctx, [tenantConfig, serviceAccount, ...args.after]),
      );
      services[role] = new k8s.core.v1.Service(
        `${name}-${role}-service`,
        {
          metadata: objectMeta(ctx, workload, role),
          spec: { selector: selectorLabels(workload), ports: [{ name: "http", port: HTTP_PORT, targetPort: HTTP_PORT }] },
        },
        k8sOptions(this, ctx),
      );
      if (wantsPdb(tier, spec.replicas)) {
        new k8s.policy.v1.PodDisruptionBudget(
          `${name}-${role}-pdb`,
          { metadata: objectMeta(ctx, workload, role), spec: { minAvailable: 1, selector: { matchLabels: selectorLabels(workload) } } },
          k8sOptions(this, ctx),
        );
      }
    }
    this.ticketingServiceName = services.ticketing!.metadata.name;
    this.registerOutputs({ ticketingServiceName: this.ticketingServiceName });
  }
}
