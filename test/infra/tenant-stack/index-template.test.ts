import { describe, expect, it } from "vitest";
import { containerEnv, indexTemplateSpec } from "../../../infra/tenant-stack";
import { logIndexSizing } from "../../../infra/tenant-stack/opensearch";
import { loadBridgeConfig } from "../../../runtime/services/bridge/config";
import { TIER_SPECS } from "../../../contracts/tenant/tiers";
import { LOG_INDEX_TEMPLATE, logDocumentMappings, logIndexTemplate } from "../../../runtime/store/opensearch";

describe("the operator's log index template", () => {
  it.each(Object.entries(TIER_SPECS))("is the template the bridge puts at start-up (%s tier)", (_tier, spec) => {
    const operator = indexTemplateSpec(spec.opensearch, "logclaw-opensearch");
    const dataNodes = spec.opensearch.data.replicas;
    const bridge = logIndexTemplate({ shards: Math.max(1, dataNodes), replicas: dataNodes > 1 ? 1 : 0 });
    expect(operator).toEqual({
      opensearchCluster: { name: "logclaw-opensearch" },
      name: LOG_INDEX_TEMPLATE,
      indexPatterns: bridge.index_patterns,
      priority: bridge.priority,
      template: bridge.template,
      _meta: bridge._meta,
    });
  });

  it("maps attributes and resource as OpenSearch flat_object fields", () => {
    const operator = indexTemplateSpec(TIER_SPECS.standard.opensearch, "c") as { template: { mappings: unknown } };
    expect(operator.template.mappings).toEqual(logDocumentMappings());
    expect(logDocumentMappings().properties.attributes.type).toBe("flat_object");
    expect(logDocumentMappings().properties.resource.type).toBe("flat_object");
  });

  it.each(Object.entries(TIER_SPECS))("reaches the bridge, which puts the same sizing at start-up (%s tier)", (_tier, spec) => {
    const env = Object.fromEntries(
      containerEnv("bridge", { tenantId: "acme", logIndexSizing: logIndexSizing(spec.opensearch) }).map((v) => [v.name, v.value ?? "secret"]),
    );
    // The tenant file is mounted from a ConfigMap in the cluster; this test checks the sizing only.
    const { LOGCLAW_TENANT_FILE: _mounted, ...rest } = env;
    const config = loadBridgeConfig(rest);
    expect({ shards: config.opensearch.shards, replicas: config.opensearch.replicas }).toEqual(logIndexSizing(spec.opensearch));
  });
});
