import { stringify } from "yaml";
import { RAW_LOGS_TOPIC, RAW_SPANS_TOPIC } from "../../contracts/topics";

/**
 * The OpenTelemetry Collector (contrib) configuration of one tenant, as plain data. Secrets are not
 * in it: the Kafka password comes from an environment variable and the ingest API key from a
 * mounted file.
 */

export const COLLECTOR_IMAGE = "otel/opentelemetry-collector-contrib:0.147.0";
export const API_KEY_HEADER = "x-logclaw-api-key";
export const API_KEY_DIR = "/etc/otelcol/auth";
export const API_KEY_FILE = `${API_KEY_DIR}/api-key`;
export const KAFKA_PASSWORD_ENV = "LOGCLAW_KAFKA_PASSWORD";
export const OTLP_GRPC_PORT = 4317;
export const OTLP_HTTP_PORT = 4318;
export const HEALTH_PORT = 13133;
export const METRICS_PORT = 8888;

export interface CollectorConfigInput {
  tenantId: string;
  kafkaBrokers: string[];
  kafkaUsername: string;
  kafkaCaFile: string;
  /** Largest accepted OTLP request body (tenant `ingest.maxRequestBytes`). */
  maxRequestBytes: number;
  /** Tenant `ingest.burst`: bounds the exporter queue so a burst is absorbed, not dropped. */
  burst: number;
  compression: "lz4" | "zstd";
}

const MIB = 1024 * 1024;

export function buildCollectorConfig(input: CollectorConfigInput): Record<string, unknown> {
  const auth = { authenticator: "bearertokenauth/ingest" };
  return {
    extensions: {
      health_check: { endpoint: `0.0.0.0:${HEALTH_PORT}` },
      // bearertokenauth with a custom header and an empty scheme checks the raw key in
      // `x-logclaw-api-key`; the key file comes from a Secret, so the config holds no secret.
      "bearertokenauth/ingest": { header: API_KEY_HEADER, scheme: "", filename: API_KEY_FILE },
    },
    receivers: {
      otlp: {
        protocols: {
          grpc: {
            endpoint: `0.0.0.0:${OTLP_GRPC_PORT}`,
            max_recv_msg_size_mib: Math.max(1, Math.ceil(input.maxRequestBytes / MIB)),
            auth,
          },
          http: { endpoint: `0.0.0.0:${OTLP_HTTP_PORT}`, max_request_body_size: input.maxRequestBytes, auth },
        },
      },
    },
    processors: {
      memory_limiter: { check_interval: "1s", limit_percentage: 80, spike_limit_percentage: 20 },
      // upsert overwrites whatever tenant_id a client sent: a client must not choose its tenant.
      "resource/tenant": { attributes: [{ key: "tenant_id", value: input.tenantId, action: "upsert" }] },
      batch: { send_batch_size: 4096, send_batch_max_size: 8192, timeout: "200ms" },
    },
    exporters: {
      kafka: {
        brokers: input.kafkaBrokers,
        client_id: `logclaw-collector-${input.tenantId}`,
        logs: { topic: RAW_LOGS_TOPIC, encoding: "otlp_json" },
        traces: { topic: RAW_SPANS_TOPIC, encoding: "otlp_json" },
        // Keeps each service's records on one partition, so per-service state follows partitions.
        partition_logs_by_resource_attributes: true,
        // Keeps each trace whole on one partition: span self-time and call gaps need parent and children together.
        partition_traces_by_id: true,
        producer: { compression: input.compression, required_acks: -1, max_message_bytes: input.maxRequestBytes },
        tls: { insecure: false, ca_file: input.kafkaCaFile },
        auth: {
          sasl: {
            mechanism: "SCRAM-SHA-512",
            username: input.kafkaUsername,
            password: `\${env:${KAFKA_PASSWORD_ENV}}`,
          },
        },
        sending_queue: { enabled: true, queue_size: Math.max(1000, Math.ceil(input.burst / 100)) },
        retry_on_failure: { enabled: true, max_elapsed_time: "300s" },
      },
    },
    service: {
      extensions: ["health_check", "bearertokenauth/ingest"],
      pipelines: {
        logs: {
          receivers: ["otlp"],
          processors: ["memory_limiter", "resource/tenant", "batch"],
          exporters: ["kafka"],
        },
        traces: {
          receivers: ["otlp"],
          processors: ["memory_limiter", "resource/tenant", "batch"],
          exporters: ["kafka"],
        },
      },
    },
  };
}

export function renderCollectorConfig(input: CollectorConfigInput): string {
  return stringify(buildCollectorConfig(input), { lineWidth: 0 });
}
