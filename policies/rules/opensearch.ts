import type { StackRule } from "../lib/policy";
import { asArray, asRecord, displayName, get, isKind, isKubernetesObject } from "../lib/resources";
import { perTierSchema, tierDefaults, tierOf, type PerTier, type Tier } from "../lib/tenants";
import { retentionMinIndexAge, retentionMinIndexAgeHours } from "../../contracts/opensearch/retention";

export const opensearchSecurity: StackRule<object> = {
  name: "opensearch-security",
  description: "OpenSearch clusters keep the security plugin on with TLS for transport and HTTP.",
  enforcementLevel: "mandatory",
  check(resources, _config, report) {
    for (const r of resources) {
      if (!isKubernetesObject(r) || !isKind(r, "OpenSearchCluster")) continue;
      const tls = asRecord(get(r.props, "spec.security.tls"));
      for (const layer of ["transport", "http"]) {
        const cfg = asRecord(tls[layer]);
        if (cfg["generate"] !== true && cfg["secret"] === undefined) {
          report(`${displayName(r)}: set spec.security.tls.${layer}.generate: true (or provide a certificate secret).`, r.urn);
        }
      }
      if (get(r.props, "spec.security.config") === undefined) {
        report(`${displayName(r)}: set spec.security.config (admin credentials and security config secrets) so the security plugin is configured.`, r.urn);
      }
      const extra = { ...asRecord(get(r.props, "spec.general.additionalConfig")) };
      for (const pool of asArray(get(r.props, "spec.nodePools")).map(asRecord)) Object.assign(extra, asRecord(pool["additionalConfig"]));
      if (String(extra["plugins.security.disabled"]).toLowerCase() === "true") {
        report(`${displayName(r)}: remove plugins.security.disabled: true; the security plugin must stay on.`, r.urn);
      }
    }
  },
};

export interface HaConfig {
  haTiers: Tier[];
  minClusterManagers: number;
}

export const opensearchHa: StackRule<HaConfig> = {
  name: "opensearch-dedicated-cluster-managers",
  description: "Tiers that require high availability run at least three dedicated OpenSearch cluster-manager nodes.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      haTiers: { type: "array", items: { type: "string" }, default: ["enterprise"], description: "Tiers that require HA." },
      minClusterManagers: { type: "integer", default: 3, description: "Dedicated cluster-manager nodes required." },
    },
  },
  check(resources, config, report) {
    for (const r of resources) {
      if (!isKubernetesObject(r) || !isKind(r, "OpenSearchCluster")) continue;
      const tier = tierOf(r, resources);
      if (!tier || !(config.haTiers ?? ["enterprise"]).includes(tier)) continue;
      const managers = asArray(get(r.props, "spec.nodePools"))
        .map(asRecord)
        .filter((p) => {
          const roles = asArray(p["roles"]).map(String);
          return roles.length > 0 && roles.every((role) => role === "cluster_manager" || role === "master");
        })
        .reduce((sum, p) => sum + (typeof p["replicas"] === "number" ? p["replicas"] : 0), 0);
      const min = config.minClusterManagers ?? 3;
      if (managers < min) {
        report(`${displayName(r)}: the ${tier} tier needs >= ${min} dedicated cluster_manager nodes (has ${managers}); add a nodePool with roles [cluster_manager].`, r.urn);
      }
    }
  },
};

export interface RetentionConfig {
  maxRetentionDays: PerTier<number>;
}

/** `30d` -> 30; `12h` -> 0.5; undefined for other forms. */
export function ageInDays(age: unknown): number | undefined {
  const match = typeof age === "string" ? /^(\d+)([dhm])$/.exec(age) : null;
  if (!match) return undefined;
  const n = Number(match[1]);
  return match[2] === "d" ? n : match[2] === "h" ? n / 24 : n / 1440;
}

export const opensearchRetention: StackRule<RetentionConfig> = {
  name: "opensearch-retention",
  description: "Every tenant ISM policy deletes log and span indices within the tier's retention bound.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      maxRetentionDays: perTierSchema("Longest retention per tier, in days.", tierDefaults((t) => t.retention.maxDays)),
    },
  },
  check(resources, config, report) {
    for (const r of resources) {
      if (!isKubernetesObject(r) || !isKind(r, "OpenSearchISMPolicy")) continue;
      const tier = tierOf(r, resources);
      if (!tier) continue;
      const bound = config.maxRetentionDays[tier];
      const states = asArray(get(r.props, "spec.states")).map(asRecord);
      const deleting = new Set(
        states.filter((s) => asArray(s["actions"]).some((a) => asRecord(a)["delete"] !== undefined)).map((s) => String(s["name"])),
      );
      const ages = states.flatMap((s) =>
        asArray(s["transitions"])
          .map(asRecord)
          .filter((t) => deleting.has(String(t["stateName"])))
          .map((t) => ageInDays(get(t, "conditions.minIndexAge"))),
      );
      if (deleting.size === 0 || ages.length === 0) {
        report(`${displayName(r)}: add a state with a delete action and a transition to it on conditions.minIndexAge.`, r.urn);
      } else if (ages.some((age) => age === undefined || age > retentionMinIndexAgeHours(bound) / 24)) {
        // An index's age counts from its creation; its records may arrive for days after (event-time bounds).
        report(
          `${displayName(r)}: indices must be deleted within ${bound}d of their last record for the ${tier} tier (transition minIndexAge is ${ages.join(", ")}d, at most ${retentionMinIndexAge(bound)}).`,
          r.urn,
        );
      }
    }
  },
};

export const opensearchRules = { stack: [opensearchSecurity, opensearchHa, opensearchRetention] };
