import type { Consumer, Kafka, Producer } from "kafkajs";
import type { Logger } from "pino";
import { deadLetter } from "../../../contracts/dead-letter";
import type { TicketingMetrics } from "../metrics";
import type { IncidentHandler, IncidentSource } from "./types";
import { parseIncidentEvent } from "./validate";
import { DEAD_LETTER_TOPIC, INCIDENTS_TOPIC, TICKETING_GROUP } from "../../../contracts/topics";

export interface KafkaIncidentSourceOptions {
  kafka: Kafka;
  /** Default `incidents`. */
  topic?: string;
  /** Where unreadable events go. Default `dead-letter`; null only counts and logs them. */
  deadLetterTopic?: string | null;
  /** Default `logclaw-ticketing`: replicas share the partitions. */
  groupId?: string;
  /** Partitions handled side by side by one replica. Default 4. */
  partitionsConcurrently?: number;
  metrics: TicketingMetrics;
  logger: Logger;
  now?: () => Date;
}

/**
 * The `incidents` topic through a kafkajs consumer group. An offset is committed only after its
 * event was handled (kafkajs commits once `eachMessage` resolves), so a crash redelivers, and the
 * ticket store makes a redelivered event a no-op. Unreadable messages cannot succeed on retry: they
 * go to the dead-letter topic (counted, logged) before their offset is committed.
 */
export class KafkaIncidentSource implements IncidentSource {
  private consumer: Consumer | null = null;
  private producer: Producer | null = null;

  constructor(private readonly options: KafkaIncidentSourceOptions) {}

  async start(handler: IncidentHandler): Promise<void> {
    const { kafka, metrics, logger } = this.options;
    const topic = this.options.topic ?? INCIDENTS_TOPIC;
    const deadLetterTopic = this.options.deadLetterTopic === undefined ? DEAD_LETTER_TOPIC : this.options.deadLetterTopic;
    const now = this.options.now ?? (() => new Date());
    if (deadLetterTopic) {
      this.producer = kafka.producer();
      await this.producer.connect();
    }
    const consumer = kafka.consumer({ groupId: this.options.groupId ?? TICKETING_GROUP });
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
          const source = `${topic}/${partition}/${message.offset}`;
          metrics.droppedEvents.inc({ reason: "invalid_event" });
          logger.error({ source, error: parsed.error }, "unreadable incident event");
          if (this.producer && deadLetterTopic) {
            const letter = deadLetter({ reason: `invalid_incident_event: ${parsed.error}`, source, payload: text }, now());
            await this.producer.send({ topic: deadLetterTopic, messages: [{ key: source, value: JSON.stringify(letter) }] });
          }
          return;
        }
        await handler(parsed.event);
      },
    });
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
    await this.producer?.disconnect();
    this.consumer = null;
    this.producer = null;
  }
}
