import { Partitioners, type ICustomPartitioner } from "kafkajs";

/** Keys remembered per topic: a tenant's services, incidents in flight and replicas are far fewer. */
const MAX_KEYS_PER_TOPIC = 10_000;

/**
 * kafkajs' default partitioner (murmur2 of the key, as the Java client's), remembering each string
 * key's partition per topic and partition count. The default one filters the partition list and
 * hashes a fresh Buffer of the key for every message; a keyed message's partition depends only on
 * the key and the partition count, so the answer is the same. Messages without a string key, or
 * with an explicit partition, go to the default partitioner unchanged (round-robin stays its own).
 */
export const KeyCachingPartitioner: ICustomPartitioner = () => {
  const fallback = Partitioners.DefaultPartitioner();
  const topics = new Map<string, { partitions: number; byKey: Map<string, number> }>();
  return (args) => {
    const { topic, partitionMetadata, message } = args;
    if (typeof message.key !== "string" || (message.partition !== undefined && message.partition !== null)) return fallback(args);
    let known = topics.get(topic);
    if (!known || known.partitions !== partitionMetadata.length || known.byKey.size >= MAX_KEYS_PER_TOPIC) {
      known = { partitions: partitionMetadata.length, byKey: new Map() };
      topics.set(topic, known);
    }
    let partition = known.byKey.get(message.key);
    if (partition === undefined) {
      partition = fallback(args);
      known.byKey.set(message.key, partition);
    }
    return partition;
  };
};
