import { TIERS } from "../../contracts/tenant/schema";
import { TIER_SPECS, type TierSpec } from "../../contracts/tenant/tiers";
import { isKind, isKubernetesObject, labels, metadata, namespaceOf, type ResourceView } from "./resources";
import { TENANT_LABEL, TIER_LABEL } from "../../contracts/labels";

/** The tenant namespaces a stack declares: Namespace objects labelled with the tenant id. */
export function tenantNamespaces(resources: ResourceView[]): Map<string, ResourceView> {
  const found = new Map<string, ResourceView>();
  for (const r of resources) {
    if (!isKind(r, "Namespace") || !isKubernetesObject(r)) continue;
    const tenant = labels(r)[TENANT_LABEL];
    const name = metadata(r)["name"];
    if (typeof tenant === "string" && typeof name === "string") found.set(name, r);
  }
  return found;
}

/** A value per tenant tier, as policy config (so users tune bounds per environment). */
export type PerTier<T> = { starter: T; standard: T; enterprise: T };
export type Tier = keyof PerTier<unknown>;

export function perTierSchema(description: string, defaults: PerTier<number>) {
  return {
    type: "object" as const,
    description,
    properties: {
      starter: { type: "integer" as const },
      standard: { type: "integer" as const },
      enterprise: { type: "integer" as const },
    },
    default: defaults,
  };
}

function asTier(value: string | undefined): Tier | undefined {
  return value === "starter" || value === "standard" || value === "enterprise" ? value : undefined;
}

/**
 * The tier a resource belongs to: its own `logclaw.io/tier` label, else its tenant namespace's.
 * Undefined for resources outside tenant stacks.
 */
export function tierOf(resource: ResourceView, all: ResourceView[]): Tier | undefined {
  const own = asTier(labels(resource)[TIER_LABEL]);
  if (own) return own;
  const ns = namespaceOf(resource);
  const namespace = ns ? tenantNamespaces(all).get(ns) : undefined;
  return namespace ? asTier(labels(namespace)[TIER_LABEL]) : undefined;
}

/** Policy defaults come from the tier tables the stacks are built from, so both move together. */
export function tierDefaults(pick: (spec: TierSpec) => number): PerTier<number> {
  return Object.fromEntries(TIERS.map((t) => [t, pick(TIER_SPECS[t])])) as PerTier<number>;
}
