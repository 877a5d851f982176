import * as grpc from "@grpc/grpc-js";
import type { Logger } from "pino";
import { OtlpDecodeError } from "../../bridge/decode/decode-error";
import { API_KEY_HEADER, checkApiKey } from "./auth";
import type { OtlpReceiverLimits, RunningReceiver } from "./http-receiver";
import type { ReceiverMetrics, RefusalReason } from "./metrics";
import { encodeExportResponse, encodeRetryInfoStatus, GRPC_STATUS_DETAILS_KEY } from "./responses";
import { EMPTY_EXPORT_RESULT, isEmptyExportRequest, ReceiverOverloadedError, type OtlpExportResult, type OtlpSignal, type OtlpSink } from "./sink";

export const LOGS_SERVICE_EXPORT_PATH = "/opentelemetry.proto.collector.logs.v1.LogsService/Export";
export const TRACE_SERVICE_EXPORT_PATH = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";

/**
 * `LogsService/Export` or `TraceService/Export` with pass-through (de)serializers: the request bytes
 * go to the sink as they arrived (the bridge owns protobuf decoding), so the receiver needs no
 * generated code and no .proto files at run time. grpc-js itself handles `grpc-encoding: gzip`.
 */
function exportServiceDefinition(path: string): grpc.ServiceDefinition {
  return {
    Export: {
      path,
      requestStream: false,
      responseStream: false,
      requestSerialize: (value: Buffer) => value,
      requestDeserialize: (bytes: Buffer) => bytes,
      // Both responses number partial_success alike, so the protobuf bytes do not depend on the signal.
      responseSerialize: (result: OtlpExportResult) => Buffer.from(encodeExportResponse(result, "protobuf")),
      responseDeserialize: (bytes: Buffer) => bytes,
    },
  };
}

export interface OtlpGrpcReceiverOptions {
  host: string;
  port: number;
  apiKey?: string;
  limits: OtlpReceiverLimits;
}

/**
 * OTLP/gRPC receiver for logs and traces: INVALID_ARGUMENT for malformed, UNAUTHENTICATED for a bad
 * key, RESOURCE_EXHAUSTED above the size limit, UNAVAILABLE above the in-flight limit, and
 * RESOURCE_EXHAUSTED with RetryInfo (OTLP/gRPC throttling) when the sink pushes back; one handler for both.
 */
export function startOtlpGrpcReceiver(
  options: OtlpGrpcReceiverOptions,
  sink: OtlpSink,
  metrics: ReceiverMetrics,
  logger: Logger,
): Promise<RunningReceiver> {
  const { limits } = options;
  let inFlight = 0;
  // grpc-js refuses larger messages itself, before the handler could count them: keep its limit
  // above ours so most oversized requests are counted here.
  const server = new grpc.Server({
    "grpc.max_receive_message_length": limits.maxDecompressedBytes * 2,
  });

  function refuse(callback: grpc.sendUnaryData<OtlpExportResult>, reason: RefusalReason, code: grpc.status, details: string, metadata?: grpc.Metadata): void {
    metrics.refused("grpc", reason);
    callback({ code, details, metadata });
  }

  function throttle(callback: grpc.sendUnaryData<OtlpExportResult>, err: ReceiverOverloadedError): void {
    const metadata = new grpc.Metadata();
    metadata.set(GRPC_STATUS_DETAILS_KEY, Buffer.from(encodeRetryInfoStatus(grpc.status.RESOURCE_EXHAUSTED, err.message, err.retryAfterSeconds)));
    refuse(callback, "overloaded", grpc.status.RESOURCE_EXHAUSTED, err.message, metadata);
  }

  const exportHandler = (signal: OtlpSignal): grpc.handleUnaryCall<Buffer, OtlpExportResult> => (call, callback) => {
    const key = call.metadata.get(API_KEY_HEADER)[0];
    const verdict = checkApiKey(options.apiKey, typeof key === "string" ? key : key?.toString("utf8"));
    if (verdict !== "ok") {
      return refuse(callback, verdict === "missing" ? "unauthenticated" : "forbidden", grpc.status.UNAUTHENTICATED, verdict === "missing" ? `missing ${API_KEY_HEADER} metadata` : `wrong ${API_KEY_HEADER}`);
    }
    // The same bound as OTLP/HTTP's on the wire (and gRPC's own default): a message over 4 MiB is refused.
    if (call.request.length > limits.maxRequestBytes) {
      return refuse(callback, "oversized", grpc.status.RESOURCE_EXHAUSTED, `message of ${call.request.length} bytes exceeds ${limits.maxRequestBytes}`);
    }
    if (isEmptyExportRequest(call.request, "protobuf")) {
      metrics.exported("grpc", signal, 0, 0);
      return callback(null, EMPTY_EXPORT_RESULT);
    }
    if (inFlight >= limits.maxInFlight) {
      return refuse(callback, "overloaded", grpc.status.UNAVAILABLE, "receiver busy, retry later");
    }
    inFlight += 1;
    const peer = call.getPeer();
    sink
      .export(signal, call.request, "protobuf", `otlp-grpc:${peer}`)
      .then(
        (result) => {
          metrics.exported("grpc", signal, result.accepted, result.rejected);
          callback(null, result);
        },
        (err: unknown) => {
          if (err instanceof OtlpDecodeError) return refuse(callback, "malformed", grpc.status.INVALID_ARGUMENT, err.message);
          if (err instanceof ReceiverOverloadedError) return throttle(callback, err);
          logger.error({ err }, "OTLP/gRPC export failed");
          return refuse(callback, "internal", grpc.status.UNAVAILABLE, "internal error, retry later");
        },
      )
      .finally(() => {
        inFlight -= 1;
      });
  };

  server.addService(exportServiceDefinition(LOGS_SERVICE_EXPORT_PATH), { Export: exportHandler("logs") });
  server.addService(exportServiceDefinition(TRACE_SERVICE_EXPORT_PATH), { Export: exportHandler("traces") });

  return new Promise((resolve, reject) => {
    server.bindAsync(`${options.host}:${options.port}`, grpc.ServerCredentials.createInsecure(), (err, port) => {
      if (err) return reject(err);
      resolve({
        port,
        close: () =>
          new Promise<void>((done) => {
            server.tryShutdown(() => done());
          }),
      });
    });
  });
}
