import { describe, expect, it } from "vitest";
import { tenantSchema } from "../../../contracts/tenant/schema";
import { TIER_SPECS, resolveTenantPlan, validateTenantAgainstTier } from "../../../contracts/tenant/tiers";
import { TIERS } from "../../../contracts/tenant/schema";

const base = tenantSchema.parse({
  id: "acme",
  tier: "standard",
  environment: "dev",
  retentionDays: 14,
  ingest: { logsPerSecond: 1000, burst: 5000 },
});

describe("tier tables", () => {
  it("keep Kafka and OpenSearch consistent: RF within the broker count, min ISR below RF unless single-node", () => {
    for (const tier of TIERS) {
      const { kafka, opensearch } = TIER_SPECS[tier];
      expect(kafka.replicationFactor).toBeLessThanOrEqual(kafka.brokers.replicas);
      if (kafka.replicationFactor > 1) expect(kafka.minInSyncReplicas).toBeLessThan(kafka.replicationFactor);
      if (kafka.topology === "dedicated") expect(kafka.controllers!.replicas % 2).toBe(1);
      if (opensearch.topology === "dedicated") expect(opensearch.clusterManager!.replicas).toBeGreaterThanOrEqual(3);
    }
  });

  it("grow from starter to enterprise", () => {
    const [s, m, e] = TIERS.map((t) => TIER_SPECS[t]);
    expect([s!.kafka.topology, m!.kafka.topology, e!.kafka.topology]).toEqual(["combined", "combined", "dedicated"]);
    expect([s!.opensearch.topology, e!.opensearch.topology]).toEqual(["single", "dedicated"]);
    expect([s!.features.llmRca, m!.features.llmRca, e!.features.llmRca]).toEqual([false, true, true]);
    expect(s!.retention.maxDays).toBeLessThan(e!.retention.maxDays);
  });
});

describe("resolveTenantPlan", () => {
  it("applies overrides to the tier", () => {
    const plan = resolveTenantPlan({ ...base, overrides: { replicas: { bridge: 5 }, storage: { kafkaGi: 300 } } });
    expect(plan.workloads.bridge.replicas).toBe(5);
    expect(plan.workloads.collector.replicas).toBe(TIER_SPECS.standard.workloads.collector.replicas);
    expect(plan.kafka.brokers.storageGi).toBe(300);
    expect(plan.opensearch.data.storageGi).toBe(TIER_SPECS.standard.opensearch.data.storageGi);
  });

  it("opens ticketing egress only when a platform or an LLM is configured", () => {
    expect(resolveTenantPlan(base).needsExternalEgress).toBe(false);
    const withLlm = tenantSchema.parse({ ...base, llm: { provider: "openai", model: "gpt-4o-mini", credentials: { key: "logclaw/acme/llm" } } });
    expect(resolveTenantPlan(withLlm).needsExternalEgress).toBe(true);
  });

  it("finds no tier problem in a tenant inside the bounds", () => {
    expect(validateTenantAgainstTier(base)).toEqual([]);
  });
});
