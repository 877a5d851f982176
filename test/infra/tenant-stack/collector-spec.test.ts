import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { API_KEY_FILE, API_KEY_HEADER, renderCollectorConfig } from "../../../infra/tenant-stack/collector-spec";

const input = {
  tenantId: "acme",
  kafkaBrokers: ["logclaw-kafka-bootstrap.logclaw-acme.svc:9093"],
  kafkaUsername: "kafka-collector",
  kafkaCaFile: "/etc/logclaw/kafka-ca/ca.crt",
  maxRequestBytes: 4 * 1024 * 1024,
  burst: 8000,
  compression: "lz4" as const,
};

describe("collector config", () => {
  const config = parse(renderCollectorConfig(input));

  it("parses as YAML and wires OTLP -> memory_limiter -> resource -> batch -> kafka for logs and traces", () => {
    const pipeline = { receivers: ["otlp"], processors: ["memory_limiter", "resource/tenant", "batch"], exporters: ["kafka"] };
    expect(config.service.pipelines).toEqual({ logs: pipeline, traces: pipeline });
    expect(config.service.extensions).toEqual(["health_check", "bearertokenauth/ingest"]);
  });

  it("receives OTLP gRPC on 4317 and HTTP on 4318, both behind the API-key authenticator", () => {
    const { grpc, http } = config.receivers.otlp.protocols;
    expect(grpc.endpoint).toBe("0.0.0.0:4317");
    expect(http.endpoint).toBe("0.0.0.0:4318");
    expect(grpc.auth).toEqual({ authenticator: "bearertokenauth/ingest" });
    expect(http.auth).toEqual({ authenticator: "bearertokenauth/ingest" });
    expect(http.max_request_body_size).toBe(4 * 1024 * 1024);
    expect(grpc.max_recv_msg_size_mib).toBe(4);
    expect(config.extensions["bearertokenauth/ingest"]).toEqual({ header: API_KEY_HEADER, scheme: "", filename: API_KEY_FILE });
  });

  it("overwrites tenant_id so a client cannot choose its tenant", () => {
    expect(config.processors["resource/tenant"].attributes).toEqual([{ key: "tenant_id", value: "acme", action: "upsert" }]);
    expect(config.processors.memory_limiter.limit_percentage).toBe(80);
  });

  it("exports with the current Kafka exporter schema: logs/traces topic and encoding, lz4, TLS and SCRAM-SHA-512", () => {
    const kafka = config.exporters.kafka;
    expect(kafka.logs).toEqual({ topic: "raw-logs", encoding: "otlp_json" });
    expect(kafka.traces).toEqual({ topic: "raw-spans", encoding: "otlp_json" });
    // Whole traces on one partition; the bridge scores a span against its parent and children.
    expect(kafka.partition_traces_by_id).toBe(true);
    expect(kafka.topic).toBeUndefined();
    expect(kafka.encoding).toBeUndefined();
    expect(kafka.partition_logs_by_resource_attributes).toBe(true);
    expect(kafka.producer.compression).toBe("lz4");
    expect(kafka.tls).toEqual({ insecure: false, ca_file: "/etc/logclaw/kafka-ca/ca.crt" });
    expect(kafka.auth.tls).toBeUndefined();
    expect(kafka.auth.sasl).toEqual({ mechanism: "SCRAM-SHA-512", username: "kafka-collector", password: "${env:LOGCLAW_KAFKA_PASSWORD}" });
    expect(kafka.brokers).toEqual(input.kafkaBrokers);
  });

  it("holds no secret value", () => {
    expect(renderCollectorConfig(input)).not.toMatch(/password: (?!"?\$\{env:)/);
  });
});
