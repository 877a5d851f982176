import type { TenantConfig } from "../../contracts/tenant";

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
   * Only the tenants of this environment (`local`, `dev`, ...): a tenant belongs to the environment
   * its file names, and its stack refuses any other. Default: every tenant, each on its own.
   */
  env?: string;
  /**
   * Organization of the environment stack reference. Default `organization`: the fixed org name of
   * the local file backend; on Pulumi Cloud, the org that owns the environment stacks.
   */
  org?: string;
  /** Only these tenant ids (each must have a tenant file). Default (undefined): every tenant. */
  tenants?: readonly string[];
}

const DNS_LABEL = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

/**
 * The stacks a fleet run touches, in tenant-id order. Throws one line naming the option and the
 * rule for a bad `env`, an unknown tenant id or a selected tenant of another environment.
 */
export function planFleet(tenants: readonly TenantConfig[], options: FleetPlanOptions): FleetTarget[] {
  const { env } = options;
  if (env !== undefined && !DNS_LABEL.test(env)) {
    throw new Error(`--env ${env}: must be a DNS label such as local, dev or prod`);
  }
  const byId = new Map(tenants.map((t) => [t.id, t]));
  const selected = options.tenants ?? [];
  const unknown = selected.filter((id) => !byId.has(id));
  if (unknown.length > 0) {
    throw new Error(`--tenant ${unknown.join(", ")}: no such tenant file (known: ${[...byId.keys()].sort().join(", ") || "none"})`);
  }
  const elsewhere = selected.filter((id) => env !== undefined && byId.get(id)?.environment !== env);
  if (elsewhere.length > 0) {
    const detail = elsewhere.map((id) => `${id} is in ${byId.get(id)?.environment}`).join(", ");
    throw new Error(`--tenant ${elsewhere.join(", ")}: not in environment ${env} (${detail})`);
  }
  const wanted = options.tenants === undefined ? undefined : new Set(selected);
  const org = options.org ?? "organization";
  return tenants
    .filter((t) => (wanted === undefined || wanted.has(t.id)) && (env === undefined || t.environment === env))
    .sort((a, b) => a.id.localeCompare(b.id))
    .map((t) => ({
      tenantId: t.id,
      stackName: `${t.id}-${t.environment}`,
      config: {
        "logclaw:tenant": t.id,
        "logclaw:environmentStack": `${org}/${options.project}/${t.environment}`,
      },
    }));
}
