import { describe, expect, it } from "vitest";
import { toJsonSchema, validateManifest } from "../../support/k8s-schemas";

const topic = {
  apiVersion: "kafka.strimzi.io/v1",
  kind: "KafkaTopic",
  metadata: { name: "raw-logs", namespace: "logclaw-acme" },
  spec: { partitions: 3, replicas: 1, config: { "retention.ms": "86400000" } },
};

describe("validateManifest [reads ../shared/crds]", () => {
  it("accepts a valid custom resource and a valid built-in kind", () => {
    expect(validateManifest(topic)).toEqual([]);
    expect(validateManifest({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" }, data: { a: "b" } })).toEqual([]);
  });

  it("rejects a custom resource with a wrong type, a misspelt field and a missing required field", () => {
    expect(validateManifest({ ...topic, spec: { ...topic.spec, partitions: "3" } })).toEqual([
      "KafkaTopic raw-logs: /spec/partitions must be integer",
    ]);
    expect(validateManifest({ ...topic, spec: { ...topic.spec, partition: 3 } })).toEqual([
      "KafkaTopic raw-logs: /spec must NOT have additional properties (partition)",
    ]);
    expect(
      validateManifest({ apiVersion: "kafka.strimzi.io/v1", kind: "Kafka", metadata: { name: "logclaw" }, spec: { kafka: {} } }),
    ).toEqual(["Kafka logclaw: /spec/kafka must have required property 'listeners'"]);
  });

  it("rejects a value outside a CRD enum", () => {
    const errors = validateManifest({
      apiVersion: "flink.apache.org/v1beta1",
      kind: "FlinkDeployment",
      metadata: { name: "agg" },
      spec: { flinkVersion: "v9_9" },
    });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^FlinkDeployment agg: \/spec\/flinkVersion must be equal to one of the allowed values/);
  });

  it("rejects a broken built-in kind", () => {
    const errors = validateManifest({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "bridge" },
      spec: { replicas: "two", selector: {}, template: { spec: { containers: [] } } },
    });
    expect(errors.some((e) => e.startsWith("Deployment bridge: /spec/replicas must be integer"))).toBe(true);
  });

  it("refuses kinds it has no schema for and objects without a name", () => {
    expect(validateManifest({ apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w" } })).toEqual([
      "Widget w: no schema known for example.com/v1 Widget",
    ]);
    expect(validateManifest({ ...topic, metadata: {} })).toContain("KafkaTopic (unnamed): /metadata/name is required");
  });

  it("translates the Kubernetes schema dialect", () => {
    expect(toJsonSchema({ "x-kubernetes-int-or-string": true })).toEqual({ anyOf: [{ type: "integer" }, { type: "string" }] });
    expect(toJsonSchema({ type: "object", properties: { a: { type: "string" } } })).toEqual({
      type: "object",
      properties: { a: { type: "string" } },
      additionalProperties: false,
    });
    expect(toJsonSchema({ type: "object", properties: {}, "x-kubernetes-preserve-unknown-fields": true })).toEqual({
      type: "object",
      properties: {},
    });
    expect(toJsonSchema({ type: "string", nullable: true })).toEqual({ type: ["string", "null"] });
  });
});
