/** The Kafka side of the bridge: client factory (SASL/TLS, LZ4, record encoder), the codec registration and the partitioner. */
export { createKafka, type KafkaConnection } from "./client";
export { registerLz4Codec } from "./lz4-codec";
export { payloadEncoding } from "./payload";
export { KeyCachingPartitioner } from "./partitioner";
export { encodeRecord, installRecordEncoder, type RecordFields } from "./record-encoder";
