import { CompressionTypes, Partitioners, type PartitionMetadata } from "kafkajs";
import { describe, expect, it } from "vitest";
import { encodeRecord, installRecordEncoder, KeyCachingPartitioner, type RecordFields } from "../../../../runtime/receivers/kafka";

// kafkajs' own encoders, the reference the fast ones must match byte for byte.
const kafkajsRecord = require("kafkajs/src/protocol/recordBatch/record/v0") as (fields: RecordFields) => { buffer: Buffer };

const document = JSON.stringify({ id: "a1", "@timestamp": "2026-12-07T10:00:00.000Z", service: "ts-order-service", message: "créé ✓ 订单 🚆".repeat(40) });

const cases: [string, RecordFields][] = [
  ["string key and value", { key: "ts-order-service", value: document, offsetDelta: 7, timestampDelta: 0 }],
  ["Buffer key and value", { key: Buffer.from("k"), value: Buffer.from(document), offsetDelta: 0, timestampDelta: 12 }],
  ["null key", { key: null, value: "v", offsetDelta: 1, timestampDelta: -3 }],
  ["no key, no value, defaults", {}],
  ["empty strings", { key: "", value: "", offsetDelta: 2 }],
  ["empty headers object", { key: "k", value: "v", headers: {}, offsetDelta: 3 }],
  ["multi-byte varints", { key: "k".repeat(200), value: "x".repeat(20_000), offsetDelta: 300_000, timestampDelta: -(2 ** 29) }],
  ["largest delta it takes", { key: "k", value: "v", offsetDelta: 2 ** 30 - 1, timestampDelta: 2 ** 30 - 1 }],
];

describe("record encoder", () => {
  it.each(cases)("writes the bytes kafkajs writes: %s", (_name, fields) => {
    const fast = encodeRecord(fields);
    expect(fast).not.toBeNull();
    expect(fast!.buffer.equals(kafkajsRecord(fields).buffer)).toBe(true);
    expect(fast!.size()).toBe(fast!.buffer.length);
  });

  it("leaves to kafkajs what it does not cover: headers, other value types, deltas past 2^30", () => {
    expect(encodeRecord({ key: "k", value: "v", headers: { "logclaw-event": "opened" } })).toBeNull();
    expect(encodeRecord({ key: 5 as unknown, value: "v" })).toBeNull();
    expect(encodeRecord({ key: "k", value: "v", timestampDelta: 2 ** 30 })).toBeNull();
    expect(encodeRecord({ key: "k", value: "v", timestampDelta: 1.5 })).toBeNull();
  });

  it("once installed, kafkajs' produce request encodes with it and the batch bytes stay the same", async () => {
    const topicData = [
      {
        topic: "enriched-logs",
        partitions: [
          {
            partition: 0,
            firstSequence: 0,
            messages: [
              { key: "svc-a", value: document, timestamp: "1765101600000" },
              { key: "svc-b", value: "plain", headers: { "logclaw-event": "opened" }, timestamp: "1765101600005" },
              { key: null, value: Buffer.from("bytes"), timestamp: "1765101600002" },
            ],
          },
        ],
      },
    ];
    const request = () =>
      (require("kafkajs/src/protocol/requests/produce/v3/request") as (args: object) => { encode(): Promise<{ buffer: Buffer }> })({
        acks: -1,
        timeout: 30_000,
        compression: CompressionTypes.None,
        topicData,
      });
    const path = require.resolve("kafkajs/src/protocol/requests/produce/v3/request");
    const before = (await request().encode()).buffer;
    // The request module captured kafkajs' encoder when it loaded: unload it so the next load takes the installed one.
    delete require.cache[path];
    expect(installRecordEncoder()).toEqual({ installed: true });
    const after = (await request().encode()).buffer;
    expect(require("kafkajs/src/protocol/recordBatch/record/v0")).not.toBe(kafkajsRecord);
    // Every message carries its timestamp, so nothing in the request comes from the clock.
    expect(after.equals(before)).toBe(true);
  });
});

describe("key-caching partitioner", () => {
  const metadata = (n: number): PartitionMetadata[] =>
    Array.from({ length: n }, (_, partitionId) => ({ partitionId, leader: partitionId % 3 === 2 ? -1 : 1, partitionErrorCode: 0, replicas: [1], isr: [1] }));

  it("puts every keyed message where kafkajs' default partitioner does, also after the partition count changes", () => {
    const cached = KeyCachingPartitioner();
    const reference = Partitioners.DefaultPartitioner();
    for (const n of [6, 6, 12, 1]) {
      for (let i = 0; i < 500; i += 1) {
        const message = { key: `service-${i % 37}`, value: "v" };
        expect(cached({ topic: "enriched-logs", partitionMetadata: metadata(n), message })).toBe(reference({ topic: "enriched-logs", partitionMetadata: metadata(n), message }));
      }
    }
  });

  it("keeps explicit partitions and spreads keyless messages over available partitions", () => {
    const cached = KeyCachingPartitioner();
    expect(cached({ topic: "t", partitionMetadata: metadata(6), message: { key: "k", value: "v", partition: 4 } })).toBe(4);
    const seen = new Set<number>();
    for (let i = 0; i < 60; i += 1) seen.add(cached({ topic: "t", partitionMetadata: metadata(6), message: { value: "v" } }));
    expect([...seen].sort()).toEqual([0, 1, 3, 4]);
  });
});
