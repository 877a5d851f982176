import * as grpc from "@grpc/grpc-js";
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { SeverityNumber } from "@opentelemetry/api-logs";
import { OTLPLogExporter as GrpcLogExporter } from "@opentelemetry/exporter-logs-otlp-grpc";
import { OTLPLogExporter as HttpJsonLogExporter } from "@opentelemetry/exporter-logs-otlp-http";
import { OTLPLogExporter as HttpProtoLogExporter } from "@opentelemetry/exporter-logs-otlp-proto";
import { OTLPTraceExporter as GrpcTraceExporter } from "@opentelemetry/exporter-trace-otlp-grpc";
import { OTLPTraceExporter as HttpJsonTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { OTLPTraceExporter as HttpProtoTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BatchLogRecordProcessor, LoggerProvider, type LogRecordExporter } from "@opentelemetry/sdk-logs";
import { BasicTracerProvider, BatchSpanProcessor, type SpanExporter } from "@opentelemetry/sdk-trace-base";

export type ExporterKind = "http/json" | "http/protobuf" | "grpc";

type ProtoConfig = NonNullable<ConstructorParameters<typeof HttpProtoLogExporter>[0]>;
type TraceProtoConfig = NonNullable<ConstructorParameters<typeof HttpProtoTraceExporter>[0]>;

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

/** The official OpenTelemetry JS trace exporters, configured the way an application would. */
export function officialTraceExporter(kind: ExporterKind, ports: { http: number; grpc: number }, apiKey?: string): SpanExporter {
  const headers = apiKey ? { "x-logclaw-api-key": apiKey } : undefined;
  if (kind === "http/json") return new HttpJsonTraceExporter({ url: `http://127.0.0.1:${ports.http}/v1/traces`, headers });
  if (kind === "http/protobuf") {
    return new HttpProtoTraceExporter({ url: `http://127.0.0.1:${ports.http}/v1/traces`, headers, compression: "gzip" } as TraceProtoConfig);
  }
  const metadata = new grpc.Metadata();
  if (apiKey) metadata.set("x-logclaw-api-key", apiKey);
  return new GrpcTraceExporter({ url: `http://127.0.0.1:${ports.grpc}`, metadata });
}

/**
 * Records one trace per name through an SDK tracer provider: a server span named `name` with a
 * client child `<name> call` (an error when the name says "fail"), then waits until the exporter has
 * sent them. Returns the trace ids, in the order of the names.
 */
export async function emitTraces(exporter: SpanExporter, service: string, names: string[]): Promise<string[]> {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ "service.name": service, "deployment.environment": "test" }),
    spanProcessors: [new BatchSpanProcessor(exporter, { maxExportBatchSize: 64, maxQueueSize: 100_000 })],
  });
  const tracer = provider.getTracer("logclaw-test");
  const traceIds: string[] = [];
  for (const name of names) {
    const root = tracer.startSpan(name, { kind: SpanKind.SERVER, attributes: { "http.route": "/checkout" } }, ROOT_CONTEXT);
    traceIds.push(root.spanContext().traceId);
    const child = tracer.startSpan(`${name} call`, { kind: SpanKind.CLIENT, attributes: { "peer.service": "payments" } }, trace.setSpan(ROOT_CONTEXT, root));
    if (name.includes("fail")) child.setStatus({ code: SpanStatusCode.ERROR, message: "payment declined" });
    child.end();
    root.end();
  }
  await provider.forceFlush();
  await provider.shutdown();
  return traceIds;
}
