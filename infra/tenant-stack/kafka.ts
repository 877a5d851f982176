import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { KafkaPoolSpec, KafkaTier } from "../../contracts/tenant/tiers";
import {
  BRIDGE_CONTEXT_GROUP_PREFIX,
  BRIDGE_CONTEXT_TOPIC,
  BRIDGE_GROUP,
  DEAD_LETTER_TOPIC,
  ENRICHED_LOGS_TOPIC,
  INCIDENTS_TOPIC,
  RAW_TOPICS,
  TICKETING_GROUP,
  TOPICS,
} from "../../contracts/topics";
import { k8sOptions, objectMeta, type TenantContext } from "./context";
import { KAFKA_USERS, OBJECT_NAMES, kafkaBootstrap } from "./names";
import { resourceRequirements, topologySpread } from "./pod-security";

export interface KafkaArgs {
  context: TenantContext;
}

/**
 * Pod Security `restricted` for Strimzi's pods, set here so the tenant namespace admits them whatever
 * pod security provider the cluster operator runs with. fsGroup 0 is what Strimzi itself uses so the
 * broker (uid 1001) can write its persistent volume.
 */
export const STRIMZI_POD_SECURITY = { runAsNonRoot: true, fsGroup: 0, seccompProfile: { type: "RuntimeDefault" } };
export const STRIMZI_CONTAINER_SECURITY = {
  runAsNonRoot: true,
  allowPrivilegeEscalation: false,
  capabilities: { drop: ["ALL"] },
  seccompProfile: { type: "RuntimeDefault" },
};

/** One KafkaNodePool as plain data: name suffix and spec. */
export interface NodePoolPlan {
  pool: string;
  spec: Record<string, unknown>;
}

/** `combined` is one pool of dual-role nodes; `dedicated` splits controllers from brokers. */
export function kafkaNodePools(kafka: KafkaTier, storageClass: string | undefined, spread: Record<string, unknown>[] | undefined): NodePoolPlan[] {
  const pool = (roles: string[], spec: KafkaPoolSpec, poolName: string): NodePoolPlan => ({
    pool: poolName,
    spec: {
      replicas: spec.replicas,
      roles,
      storage: {
        type: "jbod",
        volumes: [
          {
            id: 0,
            type: "persistent-claim",
            size: `${spec.storageGi}Gi`,
            deleteClaim: false,
            kraftMetadata: "shared",
            ...(storageClass ? { class: storageClass } : {}),
          },
        ],
      },
      resources: resourceRequirements(spec.resources),
      template: {
        pod: { securityContext: STRIMZI_POD_SECURITY, ...(spread ? { topologySpreadConstraints: spread } : {}) },
        kafkaContainer: { securityContext: STRIMZI_CONTAINER_SECURITY },
      },
    },
  });
  if (kafka.topology === "combined") return [pool(["controller", "broker"], kafka.brokers, "dual-role")];
  if (!kafka.controllers) throw new Error("kafka.controllers is required for the dedicated topology");
  return [pool(["controller"], kafka.controllers, "controllers"), pool(["broker"], kafka.brokers, "brokers")];
}

/** Topic name -> KafkaTopic spec (partitions, replication, retention, compression from the tier). */
export function kafkaTopics(kafka: KafkaTier): { topic: string; spec: Record<string, unknown> }[] {
  const topics: [string, { partitions: number; retentionHours: number }][] = TOPICS.map((t) => [t, kafka.topics[t]]);
  // Context summaries are small and only recent ones matter: one partition keeps them in order.
  topics.push([BRIDGE_CONTEXT_TOPIC, { partitions: 1, retentionHours: 24 }]);
  return topics.map(([topic, spec]) => ({
    topic,
    spec: {
      partitions: spec.partitions,
      replicas: kafka.replicationFactor,
      config: {
        "retention.ms": String(spec.retentionHours * 3_600_000),
        "compression.type": kafka.compression,
        "min.insync.replicas": String(kafka.minInSyncReplicas),
        "cleanup.policy": "delete",
      },
    },
  }));
}

type Acl = { resource: { type: string; name: string; patternType: string }; operations: string[] };
const topicAcl = (name: string, operations: string[]): Acl => ({ resource: { type: "topic", name, patternType: "literal" }, operations });
const groupAcl = (name: string, patternType: "literal" | "prefix" = "literal"): Acl => ({
  resource: { type: "group", name, patternType },
  operations: ["Read"],
});

/** Least-privilege ACLs of each Kafka client. */
export function kafkaUserAcls(): Record<string, Acl[]> {
  return {
    [KAFKA_USERS.collector]: RAW_TOPICS.map((t) => topicAcl(t, ["Write", "Describe"])),
    [KAFKA_USERS.bridge]: [
      ...RAW_TOPICS.map((t) => topicAcl(t, ["Read", "Describe"])),
      groupAcl(BRIDGE_GROUP),
      ...[ENRICHED_LOGS_TOPIC, INCIDENTS_TOPIC, DEAD_LETTER_TOPIC].map((t) => topicAcl(t, ["Write", "Describe"])),
      topicAcl(BRIDGE_CONTEXT_TOPIC, ["Read", "Write", "Describe"]),
      groupAcl(BRIDGE_CONTEXT_GROUP_PREFIX, "prefix"),
    ],
    [KAFKA_USERS.ticketing]: [topicAcl(INCIDENTS_TOPIC, ["Read", "Describe"]), groupAcl(TICKETING_GROUP), topicAcl(DEAD_LETTER_TOPIC, ["Write", "Describe"])],
  };
}

/**
 * Kafka via Strimzi (`kafka.strimzi.io/v1`): KRaft with KafkaNodePools only, one TLS listener with
 * SCRAM-SHA-512, simple authorization without super users, topics and one KafkaUser per client.
 */
export class Kafka extends pulumi.ComponentResource {
  public readonly bootstrap: pulumi.Output<string>;
  public readonly cluster: k8s.apiextensions.CustomResource;
  /** Topics and users: the clients start only after these exist. */
  public readonly readyResources: pulumi.Resource[];

  constructor(name: string, args: KafkaArgs, opts?: pulumi.ComponentResourceOptions) {
    super("logclaw:tenant:Kafka", name, {}, opts);
    const ctx = args.context;
    const { kafka, tier } = ctx.plan;
    const clusterLabel = { "strimzi.io/cluster": OBJECT_NAMES.kafkaCluster };

    const pools = pulumi.output(ctx.storageClass).apply((storageClass) =>
      kafkaNodePools(kafka, storageClass, topologySpread(tier, { "strimzi.io/cluster": OBJECT_NAMES.kafkaCluster })),
    );
    const poolNames = kafkaNodePools(kafka, undefined, undefined).map((p) => p.pool);
    const nodePools = poolNames.map(
      (pool, i) =>
        new k8s.apiextensions.CustomResource(
          `${name}-pool-${pool}`,
          {
            apiVersion: "kafka.strimzi.io/v1",
            kind: "KafkaNodePool",
            metadata: objectMeta(ctx, pool, "kafka", clusterLabel),
            spec: pools.apply((p) => p[i]!.spec),
          },
          k8sOptions(this, ctx),
        ),
    );

    const rf = kafka.replicationFactor;
    const isr = kafka.minInSyncReplicas;
    this.cluster = new k8s.apiextensions.CustomResource(
      `${name}-cluster`,
      {
        apiVersion: "kafka.strimzi.io/v1",
        kind: "Kafka",
        metadata: objectMeta(ctx, OBJECT_NAMES.kafkaCluster, "kafka"),
        spec: {
          kafka: {
            listeners: [
              { name: "tls", port: 9093, type: "internal", tls: true, authentication: { type: "scram-sha-512" } },
            ],
            authorization: { type: "simple" },
            config: {
              "auto.create.topics.enable": false,
              "default.replication.factor": rf,
              "min.insync.replicas": isr,
              "offsets.topic.replication.factor": rf,
              "transaction.state.log.replication.factor": rf,
              "transaction.state.log.min.isr": isr,
              "compression.type": "producer",
            },
            ...(tier.availability.podDisruptionBudgets ? { template: { podDisruptionBudget: { maxUnavailable: 1 } } } : {}),
          },
          entityOperator: {
            topicOperator: { resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "500m", memory: "512Mi" } } },
            userOperator: { resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "500m", memory: "512Mi" } } },
            template: {
              pod: { securityContext: STRIMZI_POD_SECURITY },
              topicOperatorContainer: { securityContext: STRIMZI_CONTAINER_SECURITY },
              userOperatorContainer: { securityContext: STRIMZI_CONTAINER_SECURITY },
            },
          },
        },
      },
      k8sOptions(this, ctx, nodePools),
    );

    const afterCluster = k8sOptions(this, ctx, [this.cluster]);
    const topics = kafkaTopics(kafka).map(
      ({ topic, spec }) =>
        new k8s.apiextensions.CustomResource(
          `${name}-topic-${topic}`,
          { apiVersion: "kafka.strimzi.io/v1", kind: "KafkaTopic", metadata: objectMeta(ctx, topic, "kafka", clusterLabel), spec },
          afterCluster,
        ),
    );
    const users = Object.entries(kafkaUserAcls()).map(
      ([user, acls]) =>
        new k8s.apiextensions.CustomResource(
          `${name}-user-${user}`,
          {
            apiVersion: "kafka.strimzi.io/v1",
            kind: "KafkaUser",
            metadata: objectMeta(ctx, user, "kafka", clusterLabel),
            spec: { authentication: { type: "scram-sha-512" }, authorization: { type: "simple", acls } },
          },
          afterCluster,
        ),
    );
    this.readyResources = [this.cluster, ...topics, ...users];
    this.bootstrap = pulumi.output(kafkaBootstrap(ctx.tenantId));
    this.registerOutputs({ bootstrap: this.bootstrap });
  }
}
