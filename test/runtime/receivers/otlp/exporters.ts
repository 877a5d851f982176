import * as grpc from "@grpc/grpc-js";
import { SeverityNumber } from "@opentelemetry/api-logs";
import { OTLPLogExporter as GrpcLogExporter } from "@opentelemetry/exporter-logs-otlp-grpc";
import { OTLPLogExporter as HttpJsonLogExporter } from "@opentelemetry/exporter-logs-otlp-http";
import { OTLPLogExporter as HttpProtoLogExporter } from "@opentelemetry/exporter-logs-otlp-proto";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BatchLogRecordProcessor, LoggerProvider, type LogRecordExporter } from "@opentelemetry/sdk-logs";

export type ExporterKind = "http/json" | "http/protobuf" | "grpc";

type ProtoConfig = NonNullable<ConstructorParameters<typeof HttpProtoLogExporter>[0]>;

/** The official OpenTelemetry JS log exporters, configured the way an application would. */
export function officialExporter(kind: ExporterKind, ports: { http: number; grpc: number }, apiKey?: string): LogRecordExporter {
  const headers = apiKey ? { "x-logclaw-api-key": apiKey } : undefined;
  if (kind === "http/json") return new HttpJsonLogExporter({ url: `http://127.0.0.1:${ports.http}/v1/logs`, headers });
  if (kind === "http/protobuf") {
    // gzip, as most production SDK configurations send.
    return new HttpProtoLogExporter({ url: `http://127.0.0.1:${ports.http}/v1/logs`, headers, compression: "gzip" } as ProtoConfig);
  }
  const metadata = new grpc.Metadata();
  if (apiKey) metadata.set("x-logclaw-api-key", apiKey);
  return new GrpcLogExporter({ url: `http://127.0.0.1:${ports.grpc}`, metadata });
}

/** Emits `count` records through an SDK LoggerProvider and waits until the exporter has sent them. */
export async function emitLogs(exporter: LogRecordExporter, service: string, bodies: string[]): Promise<void> {
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ "service.name": service, "deployment.environment": "test" }),
    processors: [new BatchLogRecordProcessor({ exporter, maxExportBatchSize: 64, maxQueueSize: 100_000 })],
  });
  const logger = provider.getLogger("logclaw-test");
  for (const body of bodies) {
    logger.emit({ body, severityNumber: SeverityNumber.ERROR, severityText: "ERROR", attributes: { "http.route": "/checkout" } });
  }
  await provider.forceFlush();
  await provider.shutdown();
}
