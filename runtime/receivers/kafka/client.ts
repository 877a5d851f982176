import { readFileSync } from "node:fs";
import { Kafka, logLevel, type KafkaConfig, type LogEntry } from "kafkajs";
import type { Logger } from "pino";
import { registerLz4Codec } from "./lz4-codec";
import { installRecordEncoder } from "./record-encoder";

/** How to reach the tenant's Kafka cluster (from `LOGCLAW_KAFKA_*`). */
export interface KafkaConnection {
  clientId: string;
  brokers: string[];
  /** `scram-sha-512` on tenant clusters (Strimzi KafkaUser), `none` for local test brokers. */
  saslMechanism: "scram-sha-512" | "none";
  username?: string;
  password?: string;
  /** PEM bundle of the cluster CA: TLS is used when set. */
  caFile?: string;
}

const LEVELS: Record<number, "error" | "warn" | "info" | "debug"> = {
  [logLevel.ERROR]: "error",
  [logLevel.WARN]: "warn",
  [logLevel.INFO]: "info",
  [logLevel.DEBUG]: "debug",
};

/** Routes kafkajs' own log lines into pino, so every line of the process is structured JSON. */
function pinoLogCreator(logger: Logger) {
  return () =>
    ({ level, log }: LogEntry) => {
      const { message, ...extra } = log;
      logger[LEVELS[level] ?? "info"]({ kafkajs: extra }, message);
    };
}

/** A kafkajs client with SASL/SCRAM and TLS as configured, the LZ4 codec registered and the fast record encoder in place. */
export function createKafka(connection: KafkaConnection, logger: Logger): Kafka {
  registerLz4Codec();
  const encoder = installRecordEncoder();
  if (!encoder.installed) logger.warn({ reason: encoder.reason }, "kafkajs' own record encoder stays in use (same bytes, slower)");
  const config: KafkaConfig = {
    clientId: connection.clientId,
    brokers: connection.brokers,
    logLevel: logLevel.WARN,
    logCreator: pinoLogCreator(logger.child({ component: "kafkajs" })),
    connectionTimeout: 5000,
    // Broker restarts and leader moves take seconds: retry long enough to ride them out.
    retry: { initialRetryTime: 300, maxRetryTime: 10_000, retries: 12 },
  };
  if (connection.caFile) config.ssl = { ca: [readFileSync(connection.caFile, "utf8")] };
  if (connection.saslMechanism === "scram-sha-512") {
    config.sasl = { mechanism: "scram-sha-512", username: connection.username ?? "", password: connection.password ?? "" };
  }
  return new Kafka(config);
}
