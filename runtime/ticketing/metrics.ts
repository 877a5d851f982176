import { Counter, Gauge, Histogram, type Registry } from "prom-client";

/** Every metric of the ticketing agent, registered on the registry passed in (never the global one). */
export interface TicketingMetrics {
  events: Counter<"type">;
  /** Invalid or unreadable incident events, by reason. */
  droppedEvents: Counter<"reason">;
  dedup: Counter<"platform" | "outcome">;
  rca: Counter<"source" | "reason">;
  llmCircuitOpen: Gauge<"provider">;
  deliveries: Counter<"platform" | "action">;
  retries: Counter<"platform" | "action" | "reason">;
  failures: Counter<"platform" | "action" | "reason">;
  outbox: Gauge<"status">;
  firstRequestSeconds: Histogram<"platform">;
}

export function createTicketingMetrics(registry: Registry): TicketingMetrics {
  const registers = [registry];
  return {
    events: new Counter({
      name: "logclaw_ticketing_events_total",
      help: "Incident events received, by type",
      labelNames: ["type"],
      registers,
    }),
    droppedEvents: new Counter({
      name: "logclaw_ticketing_events_dropped_total",
      help: "Incident events that could not be read, by reason",
      labelNames: ["reason"],
      registers,
    }),
    dedup: new Counter({
      name: "logclaw_ticketing_dedup_total",
      help: "Ticket decisions per platform: created, updated, resolved, duplicate_event, no_ticket",
      labelNames: ["platform", "outcome"],
      registers,
    }),
    rca: new Counter({
      name: "logclaw_ticketing_rca_total",
      help: "Root-cause analyses by source (llm, rules) and fallback reason",
      labelNames: ["source", "reason"],
      registers,
    }),
    llmCircuitOpen: new Gauge({
      name: "logclaw_ticketing_llm_circuit_open",
      help: "1 while the circuit breaker of an LLM provider is open",
      labelNames: ["provider"],
      registers,
    }),
    deliveries: new Counter({
      name: "logclaw_ticketing_deliveries_total",
      help: "Platform calls delivered, by platform and action",
      labelNames: ["platform", "action"],
      registers,
    }),
    retries: new Counter({
      name: "logclaw_ticketing_delivery_retries_total",
      help: "Platform calls scheduled for retry, by reason (status code, timeout, network)",
      labelNames: ["platform", "action", "reason"],
      registers,
    }),
    failures: new Counter({
      name: "logclaw_ticketing_delivery_failures_total",
      help: "Platform calls failed for good (kept in the outbox as failed), by reason",
      labelNames: ["platform", "action", "reason"],
      registers,
    }),
    outbox: new Gauge({
      name: "logclaw_ticketing_outbox_items",
      help: "Outbox items by status, as of the last dispatch",
      labelNames: ["status"],
      registers,
    }),
    firstRequestSeconds: new Histogram({
      name: "logclaw_ticketing_enqueue_to_first_request_seconds",
      help: "Wall time from a ticket create entering the outbox (after the RCA) to its first platform request",
      labelNames: ["platform"],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
  };
}
