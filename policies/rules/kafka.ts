import { RAW_TOPICS } from "../../contracts/topics";
import type { StackRule } from "../lib/policy";
import { asArray, asRecord, displayName, get, isKind, isKubernetesObject, labels, metadata, namespaceOf } from "../lib/resources";
import { perTierSchema, tierDefaults, tierOf, type PerTier } from "../lib/tenants";

export interface KafkaDurabilityConfig {
  minReplicationFactor: PerTier<number>;
  minInSyncReplicas: PerTier<number>;
}

function toInt(value: unknown): number | undefined {
  const n = typeof value === "string" ? Number(value) : value;
  return typeof n === "number" && Number.isInteger(n) ? n : undefined;
}

export const kafkaTopicDurability: StackRule<KafkaDurabilityConfig> = {
  name: "kafka-durability",
  description:
    "Kafka topics and broker defaults meet the tier's replication factor and min.insync.replicas bounds, so a broker loss loses no acknowledged log.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      minReplicationFactor: perTierSchema("Lowest replication factor per tier.", tierDefaults((t) => t.kafka.replicationFactor)),
      minInSyncReplicas: perTierSchema("Lowest min.insync.replicas per tier.", tierDefaults((t) => t.kafka.minInSyncReplicas)),
    },
  },
  check(resources, config, report) {
    for (const r of resources) {
      if (!isKubernetesObject(r)) continue;
      const tier = tierOf(r, resources);
      if (!tier) continue;
      const minRf = config.minReplicationFactor[tier];
      const minIsr = config.minInSyncReplicas[tier];
      if (isKind(r, "KafkaTopic")) {
        const rf = toInt(get(r.props, "spec.replicas"));
        const isr = toInt(asRecord(get(r.props, "spec.config"))["min.insync.replicas"]);
        if (rf === undefined || rf < minRf) {
          report(`${displayName(r)}: spec.replicas must be >= ${minRf} for the ${tier} tier (is ${rf ?? "unset"}).`, r.urn);
        }
        if (isr === undefined || isr < minIsr) {
          report(`${displayName(r)}: spec.config["min.insync.replicas"] must be >= ${minIsr} for the ${tier} tier (is ${isr ?? "unset"}).`, r.urn);
        } else if (rf !== undefined && rf > 1 && isr >= rf) {
          report(`${displayName(r)}: min.insync.replicas (${isr}) must be below spec.replicas (${rf}) so one broker can be down.`, r.urn);
        }
      }
      if (isKind(r, "Kafka")) {
        const cfg = asRecord(get(r.props, "spec.kafka.config"));
        for (const key of ["default.replication.factor", "offsets.topic.replication.factor", "transaction.state.log.replication.factor"]) {
          const value = toInt(cfg[key]);
          if (value === undefined || value < minRf) {
            report(`${displayName(r)}: spec.kafka.config["${key}"] must be >= ${minRf} for the ${tier} tier (is ${value ?? "unset"}).`, r.urn);
          }
        }
        const isr = toInt(cfg["min.insync.replicas"]);
        if (isr === undefined || isr < minIsr) {
          report(`${displayName(r)}: spec.kafka.config["min.insync.replicas"] must be >= ${minIsr} for the ${tier} tier (is ${isr ?? "unset"}).`, r.urn);
        }
      }
    }
  },
};

export const kafkaSecureListeners: StackRule<object> = {
  name: "kafka-secure-listeners",
  description:
    "Kafka clusters run in KRaft mode with KafkaNodePools, every listener uses TLS with SCRAM or mTLS authentication, and no anonymous super user exists.",
  enforcementLevel: "mandatory",
  check(resources, _config, report) {
    for (const r of resources) {
      if (!isKubernetesObject(r) || !isKind(r, "Kafka")) continue;
      const spec = asRecord(r.props["spec"]);
      if (spec["zookeeper"] !== undefined) {
        report(`${displayName(r)}: remove spec.zookeeper; LogClaw runs Kafka in KRaft mode.`, r.urn);
      }
      const name = metadata(r)["name"];
      const ns = namespaceOf(r);
      const pools = resources.filter(
        (p) => isKubernetesObject(p) && isKind(p, "KafkaNodePool") && namespaceOf(p) === ns && labels(p)["strimzi.io/cluster"] === name,
      );
      if (pools.length === 0) {
        report(`${displayName(r)}: define its brokers and controllers as KafkaNodePools labelled strimzi.io/cluster: ${String(name)}.`, r.urn);
      }
      for (const listener of asArray(get(spec, "kafka.listeners")).map(asRecord)) {
        const auth = String(asRecord(listener["authentication"])["type"] ?? "none");
        if (listener["tls"] !== true) {
          report(`${displayName(r)}: listener '${String(listener["name"])}' must set tls: true (no plaintext listener).`, r.urn);
        }
        if (!["scram-sha-512", "tls"].includes(auth)) {
          report(`${displayName(r)}: listener '${String(listener["name"])}' must authenticate with scram-sha-512 or tls (is ${auth}).`, r.urn);
        }
      }
      const superUsers = asArray(get(spec, "kafka.authorization.superUsers")).map(String);
      if (superUsers.some((u) => /anonymous/i.test(u))) {
        report(`${displayName(r)}: remove ANONYMOUS from spec.kafka.authorization.superUsers.`, r.urn);
      }
      if (get(spec, "kafka.authorization") === undefined) {
        report(`${displayName(r)}: set spec.kafka.authorization (simple ACLs) so clients get only their topics.`, r.urn);
      }
    }
  },
};

const RAW = new Set<string>(RAW_TOPICS);

/** An ACL's operations, whichever of Strimzi's two spellings (`operations` list, `operation`) it uses. */
function aclOperations(acl: Record<string, unknown>): string[] {
  return [...asArray(acl["operations"]), ...(acl["operation"] !== undefined ? [acl["operation"]] : [])].map(String);
}

export const kafkaLeastPrivilege: StackRule<object> = {
  name: "kafka-least-privilege",
  description:
    "Every KafkaUser has simple ACLs on named resources (no '*', no All), and a user that writes raw telemetry (raw-logs, raw-spans) reads no topic: the collector faces the internet, a leaked credential must not read a tenant's data.",
  enforcementLevel: "mandatory",
  check(resources, _config, report) {
    for (const r of resources) {
      if (!isKubernetesObject(r) || !isKind(r, "KafkaUser")) continue;
      const authorization = asRecord(get(r.props, "spec.authorization"));
      const acls = asArray(authorization["acls"]).map(asRecord);
      if (authorization["type"] !== "simple" || acls.length === 0) {
        report(`${displayName(r)}: set spec.authorization.type: simple with the ACLs the client needs.`, r.urn);
        continue;
      }
      const writesRaw: string[] = [];
      const reads: string[] = [];
      for (const acl of acls) {
        const resource = asRecord(acl["resource"]);
        const name = String(resource["name"] ?? "");
        const operations = aclOperations(acl);
        if (name === "*" || name === "") report(`${displayName(r)}: ACL on ${String(resource["type"])} '${name || "(unnamed)"}' must name its resource, not '*'.`, r.urn);
        if (operations.includes("All")) report(`${displayName(r)}: ACL on ${String(resource["type"])} '${name}' must list its operations instead of All.`, r.urn);
        if (resource["type"] !== "topic") continue;
        if (RAW.has(name) && operations.includes("Write")) writesRaw.push(name);
        if (operations.includes("Read")) reads.push(name);
      }
      if (writesRaw.length > 0 && reads.length > 0) {
        report(`${displayName(r)}: writes ${writesRaw.join(", ")} and must not read any topic (reads ${reads.join(", ")}).`, r.urn);
      }
    }
  },
};

export const kafkaRules = { stack: [kafkaTopicDurability, kafkaSecureListeners, kafkaLeastPrivilege] };
