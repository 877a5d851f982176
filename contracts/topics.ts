/**
 * Kafka topics and consumer groups of a tenant's cluster (ARCHITECTURE.md, "Kafka topics per
 * tenant"). The TenantStack creates the topics and ACLs from these names, the collector writes
 * `raw-logs` and `raw-spans`, the bridge and the ticketing agent default to them; docs/architecture.md lists each
 * topic's producer and consumer.
 */

/** OTLP/JSON log requests from the tenant's collector (lz4). Consumer: the bridge. */
export const RAW_LOGS_TOPIC = "raw-logs";
/**
 * OTLP/JSON trace requests from the tenant's collector (lz4), keyed by trace id so a trace stays on
 * one partition. Consumer: the bridge, in the same group as `raw-logs`.
 */
export const RAW_SPANS_TOPIC = "raw-spans";
/** The topics the collector writes and the bridge consumes: OTLP export requests, one per record. */
export const RAW_TOPICS = [RAW_LOGS_TOPIC, RAW_SPANS_TOPIC] as const;
/** Normalized, redacted log documents. Producer: the bridge. */
export const ENRICHED_LOGS_TOPIC = "enriched-logs";
/** Incident events (opened/updated/resolved). Producer: the bridge; consumer: the ticketing agent. */
export const INCIDENTS_TOPIC = "incidents";
/** Records and events that could not be processed, with the reason. Producers: bridge and ticketing agent. */
export const DEAD_LETTER_TOPIC = "dead-letter";
/**
 * Cross-replica detection context (failing services, call-graph edges) the bridge replicas share;
 * every replica reads all of it in its own consumer group {@link bridgeContextGroup}.
 */
export const BRIDGE_CONTEXT_TOPIC = "bridge-context";

/** The topics whose partitions and retention the tier sizes. */
export const TOPICS = [RAW_LOGS_TOPIC, RAW_SPANS_TOPIC, ENRICHED_LOGS_TOPIC, INCIDENTS_TOPIC, DEAD_LETTER_TOPIC] as const;
export type TopicName = (typeof TOPICS)[number];

/** Consumer group of the bridge replicas on `raw-logs` and `raw-spans`. */
export const BRIDGE_GROUP = "logclaw-bridge";
/** Consumer group of the ticketing agent on `incidents`. */
export const TICKETING_GROUP = "logclaw-ticketing";

/** Each bridge replica's own group on the context topic: `<bridge group>-context-<instance>`. */
export function bridgeContextGroup(bridgeGroup: string, instanceId: string): string {
  return `${bridgeGroup}-context-${instanceId}`;
}
/** The prefix every default context group starts with (the bridge's prefix ACL). */
export const BRIDGE_CONTEXT_GROUP_PREFIX = bridgeContextGroup(BRIDGE_GROUP, "");
