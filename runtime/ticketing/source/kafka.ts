import type { Consumer, Kafka } from "kafkajs";
import type { Logger } from "pino";
import type { TicketingMetrics } from "../metrics";
import type { IncidentHandler, IncidentSource } from "./types";
import { parseIncidentEvent } from "./validate";

export interface KafkaIncidentSourceOptions {
  kafka: Kafka;
  /** Default `incidents`. */
  topic?: string;
  /** Default `logclaw-ticketing`: replicas share the partitions. */
  groupId?: string;
  /** Partitions handled side by side by one replica. Default 4. */
  partitionsConcurrently?: number;
  metrics: TicketingMetrics;
  logger: Logger;
}

/**
 * The `incidents` topic through a kafkajs consumer group. An offset is committed only after its
 * event was handled (kafkajs commits once `eachMessage` resolves), so a crash redelivers, and the
 * ticket store makes a redelivered event a no-op. Unreadable messages are counted and skipped:
 * retrying them cannot succeed.
 */
export class KafkaIncidentSource implements IncidentSource {
  private consumer: Consumer | null = null;

  constructor(private readonly options: KafkaIncidentSourceOptions) {}

  async start(handler: IncidentHandler): Promise<void> {
    const { kafka, metrics, logger } = this.options;
    const topic = this.options.topic ?? "incidents";
    const consumer = kafka.consumer({ groupId: this.options.groupId ?? "logclaw-ticketing" });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      // The bridge keys events by incident id, so one incident stays in order on its partition; the
      // ticket store makes incidents of one fingerprint on different partitions safe to race.
      partitionsConsumedConcurrently: this.options.partitionsConcurrently ?? 4,
      eachMessage: async ({ partition, message }) => {
        const text = message.value?.toString("utf8") ?? "";
        const parsed = parseIncidentEvent(text);
        if ("error" in parsed) {
          metrics.droppedEvents.inc({ reason: "invalid_event" });
          logger.error({ topic, partition, offset: message.offset, error: parsed.error }, "skipping unreadable incident event");
          return;
        }
        await handler(parsed.event);
      },
    });
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
    this.consumer = null;
  }
}
