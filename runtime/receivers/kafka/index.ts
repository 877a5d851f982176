/** The Kafka side of the bridge: client factory (SASL/TLS, LZ4) and the codec registration. */
export { createKafka, type KafkaConnection } from "./client";
export { registerLz4Codec } from "./lz4-codec";
export { payloadEncoding } from "./payload";
