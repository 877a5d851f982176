import { Counter, Gauge, Histogram, type Registry } from "prom-client";

/** The bridge's Prometheus metrics, registered on the registry passed in. */
export function createBridgeMetrics(registry: Registry) {
  const registers = [registry];
  return {
    consumed: new Counter({ name: "logclaw_bridge_messages_consumed_total", help: "Kafka messages consumed from raw-logs and raw-spans", registers }),
    accepted: new Counter({ name: "logclaw_bridge_records_accepted_total", help: "Log records accepted by the pipeline", registers }),
    spansAccepted: new Counter({ name: "logclaw_bridge_spans_accepted_total", help: "Spans accepted by the pipeline", registers }),
    indexed: new Counter({ name: "logclaw_bridge_documents_indexed_total", help: "Log documents acknowledged by OpenSearch", registers }),
    spansIndexed: new Counter({ name: "logclaw_bridge_spans_indexed_total", help: "Span documents acknowledged by OpenSearch", registers }),
    deadLettered: new Counter({
      name: "logclaw_bridge_dead_letters_total",
      help: "Payloads and records sent to dead-letter, by reason",
      labelNames: ["reason"],
      registers,
    }),
    incidentEvents: new Counter({
      name: "logclaw_bridge_incident_events_total",
      help: "Incident events published, by type",
      labelNames: ["type"],
      registers,
    }),
    retries: new Counter({
      name: "logclaw_bridge_retries_total",
      help: "Retried operations, by target and reason",
      labelNames: ["target", "reason"],
      registers,
    }),
    skippedReplays: new Counter({
      name: "logclaw_bridge_replayed_messages_skipped_total",
      help: "Messages consumed again after a restart whose effects the checkpoint already holds",
      registers,
    }),
    commits: new Counter({ name: "logclaw_bridge_offset_commits_total", help: "Offset commits after acknowledged batches", registers }),
    lag: new Gauge({
      name: "logclaw_bridge_consumer_lag",
      help: "Messages behind the partition's high watermark after the last batch",
      labelNames: ["topic", "partition"],
      registers,
    }),
    batchSeconds: new Histogram({
      name: "logclaw_bridge_batch_duration_seconds",
      help: "Time from fetched batch to committed offsets",
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
  };
}

export type BridgeMetrics = ReturnType<typeof createBridgeMetrics>;
