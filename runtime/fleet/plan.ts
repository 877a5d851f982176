import type { TenantConfig } from "../../infra/tenants";

/** What the fleet does to each tenant stack. */
export const FLEET_OPERATIONS = ["preview", "up", "destroy"] as const;
export type FleetOperation = (typeof FLEET_OPERATIONS)[number];

/** One tenant stack the fleet runs: its name and the stack config it is given. */
export interface FleetTarget {
  tenantId: string;
  /** `<tenant>-<env>`. */
  stackName: string;
  /** Plain (non-secret) `logclaw:*` stack config values, set before every run. */
  config: Record<string, string>;
}

export interface FleetPlanOptions {
  /** Pulumi project name (`name` in Pulumi.yaml): part of the environment stack's reference. */
  project: string;
  /**
   * Environment every tenant runs against (`local`, `dev`, ...). Default: each tenant file's own
   * `environment` field.
   */
  env?: string;
  /**
   * Organization of the environment stack reference. Default `organization`: the fixed org name of
   * the local file backend; on Pulumi Cloud, the org that owns the environment stacks.
   */
  org?: string;
  /** Only these tenant ids (each must have a tenant file). Default: every tenant. */
  tenants?: readonly string[];
}

const DNS_LABEL = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

/**
 * The stacks a fleet run touches, in tenant-id order. Throws one line naming the option and the
 * rule for a bad `env` or an unknown tenant id.
 */
export function planFleet(tenants: readonly TenantConfig[], options: FleetPlanOptions): FleetTarget[] {
  if (options.env !== undefined && !DNS_LABEL.test(options.env)) {
    throw new Error(`--env ${options.env}: must be a DNS label such as local, dev or prod`);
  }
  const known = new Set(tenants.map((t) => t.id));
  const unknown = (options.tenants ?? []).filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw new Error(`--tenant ${unknown.join(", ")}: no such tenant file (known: ${[...known].sort().join(", ") || "none"})`);
  }
  const selected = options.tenants && options.tenants.length > 0 ? new Set(options.tenants) : undefined;
  const org = options.org ?? "organization";
  return tenants
    .filter((t) => selected === undefined || selected.has(t.id))
    .sort((a, b) => a.id.localeCompare(b.id))
    .map((t) => {
      const env = options.env ?? t.environment;
      return {
        tenantId: t.id,
        stackName: `${t.id}-${env}`,
        config: {
          "logclaw:tenant": t.id,
          "logclaw:environmentStack": `${org}/${options.project}/${env}`,
        },
      };
    });
}
