import { randomUUID } from "node:crypto";
import { CompressionTypes, Kafka, logLevel } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerLz4Codec } from "../../../../runtime/receivers/kafka/lz4-codec";
import { readServersState } from "../../../support/servers";

const state = readServersState();
registerLz4Codec();
const kafka = new Kafka({ clientId: "lz4-codec-test", brokers: state.kafka.brokers, logLevel: logLevel.NOTHING });
const admin = kafka.admin();
const producer = kafka.producer();

async function readAll(topic: string, count: number): Promise<string[]> {
  const consumer = kafka.consumer({ groupId: `lz4-${randomUUID()}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const values: string[] = [];
  await new Promise<void>((resolve, reject) => {
    consumer
      .run({
        eachMessage: async ({ message }) => {
          values.push(message.value?.toString("utf8") ?? "");
          if (values.length === count) resolve();
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  return values;
}

const payloads = Array.from({ length: 200 }, (_, i) =>
  JSON.stringify({ i, message: `connection to db-${i % 7} refused after ${i} ms `.repeat(1 + (i % 5)) }),
);

beforeAll(async () => {
  await admin.connect();
  await producer.connect();
});

afterAll(async () => {
  await producer.disconnect();
  await admin.disconnect();
});

describe("LZ4 codec against a real broker", () => {
  it("produces batches the broker accepts and reads them back", async () => {
    const topic = `lz4-producer-${randomUUID()}`;
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    await producer.send({ topic, compression: CompressionTypes.LZ4, messages: payloads.map((value) => ({ value })) });
    expect(await readAll(topic, payloads.length)).toEqual(payloads);
  });

  it("reads batches the broker itself compressed with LZ4 (the Java codec)", async () => {
    const topic = `lz4-broker-${randomUUID()}`;
    await admin.createTopics({
      topics: [{ topic, numPartitions: 1, configEntries: [{ name: "compression.type", value: "lz4" }] }],
      waitForLeaders: true,
    });
    await producer.send({ topic, compression: CompressionTypes.None, messages: payloads.map((value) => ({ value })) });
    expect(await readAll(topic, payloads.length)).toEqual(payloads);
  });
});
