import { describe, expect, it } from "vitest";
import { evaluatePolicies } from "../../policies/lib/evaluate";
import { stackPolicy } from "../../policies/lib/policy";
import { kafkaRules } from "../../policies/rules/kafka";
import { ageInDays, opensearchRules } from "../../policies/rules/opensearch";
import { k8s, tenantNamespace } from "./fixtures";

const kafkaPolicies = kafkaRules.stack.map(stackPolicy);
const osPolicies = opensearchRules.stack.map(stackPolicy);
const ns = "logclaw-globex";

const topic = (replicas: number, isr: number) =>
  k8s("kafka.strimzi.io/v1", "KafkaTopic", { name: "raw-logs", namespace: ns, labels: { "strimzi.io/cluster": "kafka" } }, {
    spec: { partitions: 12, replicas, config: { "min.insync.replicas": String(isr) } },
  });

const kafka = (spec: Record<string, unknown> = {}) =>
  k8s("kafka.strimzi.io/v1", "Kafka", { name: "kafka", namespace: ns }, {
    spec: {
      kafka: {
        listeners: [{ name: "tls", port: 9093, type: "internal", tls: true, authentication: { type: "scram-sha-512" } }],
        authorization: { type: "simple" },
        config: {
          "default.replication.factor": 3,
          "offsets.topic.replication.factor": 3,
          "transaction.state.log.replication.factor": 3,
          "min.insync.replicas": 2,
        },
      },
      ...spec,
    },
  });
const pool = k8s("kafka.strimzi.io/v1", "KafkaNodePool", { name: "brokers", namespace: ns, labels: { "strimzi.io/cluster": "kafka" } }, {
  spec: { replicas: 3, roles: ["broker"] },
});

describe("Kafka policies", () => {
  it("pass an enterprise cluster with RF 3 / ISR 2 and secure listeners", async () => {
    expect(await evaluatePolicies(kafkaPolicies, [...tenantNamespace("globex", "enterprise"), kafka(), pool, topic(3, 2)])).toEqual([]);
  });

  it("reject replication factor 1 on enterprise", async () => {
    const violations = await evaluatePolicies(kafkaPolicies, [...tenantNamespace("globex", "enterprise"), kafka(), pool, topic(1, 1)]);
    expect(violations.map((v) => v.message)).toEqual([
      'KafkaTopic logclaw-globex/raw-logs: spec.replicas must be >= 3 for the enterprise tier (is 1).',
      'KafkaTopic logclaw-globex/raw-logs: spec.config["min.insync.replicas"] must be >= 2 for the enterprise tier (is 1).',
    ]);
  });

  it("accept RF 1 on starter, bounds come from config", async () => {
    const resources = [...tenantNamespace("globex", "starter"), topic(1, 1)];
    expect(await evaluatePolicies(kafkaPolicies, resources)).toEqual([]);
    const strict = await evaluatePolicies(kafkaPolicies, resources, {
      "kafka-durability": { minReplicationFactor: { starter: 2, standard: 3, enterprise: 3 } },
    });
    expect(strict[0]?.message).toContain("spec.replicas must be >= 2 for the starter tier");
  });

  it("reject ISR equal to RF", async () => {
    const [v] = await evaluatePolicies(kafkaPolicies, [...tenantNamespace("globex", "enterprise"), kafka(), pool, topic(3, 3)]);
    expect(v?.message).toBe("KafkaTopic logclaw-globex/raw-logs: min.insync.replicas (3) must be below spec.replicas (3) so one broker can be down.");
  });

  it("reject plaintext or anonymous listeners, ZooKeeper and missing node pools", async () => {
    const bad = kafka({
      zookeeper: { replicas: 3 },
      kafka: {
        listeners: [{ name: "plain", port: 9092, type: "internal", tls: false }],
        authorization: { type: "simple", superUsers: ["User:ANONYMOUS"] },
        config: { "default.replication.factor": 3, "offsets.topic.replication.factor": 3, "transaction.state.log.replication.factor": 3, "min.insync.replicas": 2 },
      },
    });
    const messages = (await evaluatePolicies(kafkaPolicies, [...tenantNamespace("globex", "enterprise"), bad])).map((v) => v.message);
    expect(messages).toEqual([
      "Kafka logclaw-globex/kafka: remove spec.zookeeper; LogClaw runs Kafka in KRaft mode.",
      "Kafka logclaw-globex/kafka: define its brokers and controllers as KafkaNodePools labelled strimzi.io/cluster: kafka.",
      "Kafka logclaw-globex/kafka: listener 'plain' must set tls: true (no plaintext listener).",
      "Kafka logclaw-globex/kafka: listener 'plain' must authenticate with scram-sha-512 or tls (is none).",
      "Kafka logclaw-globex/kafka: remove ANONYMOUS from spec.kafka.authorization.superUsers.",
    ]);
  });
});

const cluster = (pools: Array<{ roles: string[]; replicas: number }>, security: Record<string, unknown> = {
  tls: { transport: { generate: true }, http: { generate: true } },
  config: { adminCredentialsSecret: { name: "admin" } },
}) => k8s("opensearch.org/v1", "OpenSearchCluster", { name: "opensearch", namespace: ns }, {
  spec: { general: { serviceName: "opensearch", version: "3.3.0" }, security, nodePools: pools.map((p, i) => ({ component: `p${i}`, ...p })) },
});

const ism = (days: string) => k8s("opensearch.org/v1", "OpenSearchISMPolicy", { name: "retention", namespace: ns }, {
  spec: {
    policyId: "logclaw-logs-retention",
    defaultState: "hot",
    states: [
      { name: "hot", actions: [], transitions: [{ stateName: "delete", conditions: { minIndexAge: days } }] },
      { name: "delete", actions: [{ delete: {} }], transitions: [] },
    ],
  },
});

describe("Kafka least privilege", () => {
  const user = (name: string, acls: unknown[], authorization: Record<string, unknown> = { type: "simple" }) =>
    k8s("kafka.strimzi.io/v1", "KafkaUser", { name, namespace: ns, labels: { "strimzi.io/cluster": "kafka" } }, {
      spec: { authentication: { type: "scram-sha-512" }, authorization: { ...authorization, acls } },
    });
  const acl = (type: string, name: string, operations: string[]) => ({ resource: { type, name, patternType: "literal" }, operations });
  const enterprise = tenantNamespace("globex", "enterprise");

  it("pass a collector that only writes raw-logs and raw-spans and a bridge that reads them", async () => {
    const collector = user("kafka-collector", [acl("topic", "raw-logs", ["Write", "Describe"]), acl("topic", "raw-spans", ["Write", "Describe"])]);
    const bridge = user("kafka-bridge", [acl("topic", "raw-logs", ["Read", "Describe"]), acl("topic", "raw-spans", ["Read", "Describe"]), acl("group", "logclaw-bridge", ["Read"])]);
    expect(await evaluatePolicies(kafkaPolicies, [...enterprise, collector, bridge])).toEqual([]);
  });

  it("reject a raw-telemetry writer that can read, a wildcard, All, and a user without ACLs", async () => {
    const messages = (
      await evaluatePolicies(kafkaPolicies, [
        ...enterprise,
        user("kafka-collector", [acl("topic", "raw-spans", ["Write"]), acl("topic", "incidents", ["Read"])]),
        user("kafka-wide", [acl("topic", "*", ["Read"]), { resource: { type: "group", name: "g", patternType: "literal" }, operation: "All" }]),
        user("kafka-open", [], { type: "none" }),
      ])
    ).map((v) => v.message);
    expect(messages).toEqual([
      "KafkaUser logclaw-globex/kafka-collector: writes raw-spans and must not read any topic (reads incidents).",
      "KafkaUser logclaw-globex/kafka-wide: ACL on topic '*' must name its resource, not '*'.",
      "KafkaUser logclaw-globex/kafka-wide: ACL on group 'g' must list its operations instead of All.",
      "KafkaUser logclaw-globex/kafka-open: set spec.authorization.type: simple with the ACLs the client needs.",
    ]);
  });
});

describe("OpenSearch policies", () => {
  const enterprise = tenantNamespace("globex", "enterprise");
  it("pass a secured HA cluster with retention in bounds", async () => {
    const resources = [...enterprise, cluster([{ roles: ["cluster_manager"], replicas: 3 }, { roles: ["data"], replicas: 3 }]), ism("90d")];
    expect(await evaluatePolicies(osPolicies, resources)).toEqual([]);
  });

  it("require TLS and security config", async () => {
    const messages = (await evaluatePolicies(osPolicies, [...tenantNamespace("globex", "starter"), cluster([{ roles: ["cluster_manager", "data"], replicas: 1 }], {})])).map((v) => v.message);
    expect(messages).toEqual([
      "OpenSearchCluster logclaw-globex/opensearch: set spec.security.tls.transport.generate: true (or provide a certificate secret).",
      "OpenSearchCluster logclaw-globex/opensearch: set spec.security.tls.http.generate: true (or provide a certificate secret).",
      "OpenSearchCluster logclaw-globex/opensearch: set spec.security.config (admin credentials and security config secrets) so the security plugin is configured.",
    ]);
  });

  it("require three dedicated cluster managers on enterprise only", async () => {
    const mixed = cluster([{ roles: ["cluster_manager", "data"], replicas: 3 }]);
    const [v] = await evaluatePolicies(osPolicies, [...enterprise, mixed, ism("30d")]);
    expect(v?.message).toBe(
      "OpenSearchCluster logclaw-globex/opensearch: the enterprise tier needs >= 3 dedicated cluster_manager nodes (has 0); add a nodePool with roles [cluster_manager].",
    );
    expect(await evaluatePolicies(osPolicies, [...tenantNamespace("globex", "starter"), mixed, ism("7d")])).toEqual([]);
  });

  it("bound retention by tier", async () => {
    const [v] = await evaluatePolicies(osPolicies, [...tenantNamespace("globex", "starter"), cluster([{ roles: ["cluster_manager", "data"], replicas: 1 }]), ism("30d")]);
    expect(v?.message).toBe(
      "OpenSearchISMPolicy logclaw-globex/retention: indices must be deleted within 14d of their last record for the starter tier (transition minIndexAge is 30d, at most 529h).",
    );
    // The product's own policy for the tier's longest retention passes: 14 days plus the days an index keeps receiving records.
    expect(await evaluatePolicies(osPolicies, [...tenantNamespace("globex", "starter"), cluster([{ roles: ["cluster_manager", "data"], replicas: 1 }]), ism("529h")])).toEqual([]);
    expect(ageInDays("36h")).toBe(1.5);
  });
});
