import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { k8sOptions, objectMeta, type TenantContext } from "./context";
import { buildDashboard, dashboardUrl } from "./dashboards-spec";
import { OBJECT_NAMES } from "./names";

export interface DashboardsArgs {
  context: TenantContext;
  /** Environment output `grafanaUrl`: base of {@link Dashboards.url}. */
  grafanaUrl: pulumi.Input<string>;
}

/** The tenant's Grafana dashboard as a ConfigMap the Grafana sidecar picks up. */
export class Dashboards extends pulumi.ComponentResource {
  public readonly url: pulumi.Output<string>;

  constructor(name: string, args: DashboardsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("logclaw:tenant:Dashboards", name, {}, opts);
    const ctx = args.context;
    new k8s.core.v1.ConfigMap(
      `${name}-grafana`,
      {
        metadata: objectMeta(ctx, OBJECT_NAMES.dashboardConfigMap, "dashboards", { grafana_dashboard: "1" }, { grafana_folder: "LogClaw" }),
        data: { [`logclaw-${ctx.tenantId}.json`]: JSON.stringify(buildDashboard(ctx.tenantId), null, 2) },
      },
      k8sOptions(this, ctx),
    );
    this.url = pulumi.output(args.grafanaUrl).apply((base) => dashboardUrl(base, ctx.tenantId));
    this.registerOutputs({ url: this.url });
  }
}
