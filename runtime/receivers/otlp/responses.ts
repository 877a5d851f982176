import { Writer } from "protobufjs/minimal";
import type { OtlpEncoding, OtlpExportResult, OtlpSignal } from "./sink";

/** google.rpc.Code values OTLP relies on. */
export const RPC_CODE = {
  INVALID_ARGUMENT: 3,
  RESOURCE_EXHAUSTED: 8,
  UNAUTHENTICATED: 16,
  PERMISSION_DENIED: 7,
  UNAVAILABLE: 14,
  UNIMPLEMENTED: 12,
} as const;

/** The JSON name of `partial_success` field 1 in each signal's export response. */
const REJECTED_FIELD: Record<OtlpSignal, string> = { logs: "rejectedLogRecords", traces: "rejectedSpans" };

/**
 * `ExportLogsServiceResponse` / `ExportTraceServiceResponse`: empty on full success, `partial_success`
 * otherwise. Both signals number it alike (field 1: rejected_log_records or rejected_spans int64 = 1,
 * error_message string = 2), so only the JSON field name differs.
 */
export function encodeExportResponse(result: OtlpExportResult, encoding: OtlpEncoding, signal: OtlpSignal = "logs"): Uint8Array {
  if (encoding === "json") {
    const body =
      result.rejected > 0
        ? { partialSuccess: { [REJECTED_FIELD[signal]]: String(result.rejected), errorMessage: result.errorMessage ?? "" } }
        : {};
    return Buffer.from(JSON.stringify(body));
  }
  const writer = Writer.create();
  if (result.rejected > 0) {
    writer.uint32((1 << 3) | 2).fork();
    writer.uint32((1 << 3) | 0).int64(result.rejected);
    if (result.errorMessage) writer.uint32((2 << 3) | 2).string(result.errorMessage);
    writer.ldelim();
  }
  return writer.finish();
}

/** `google.rpc.Status` (code int32 = 1, message string = 2): the body OTLP/HTTP error answers carry. */
export function encodeRpcStatus(code: number, message: string, encoding: OtlpEncoding): Uint8Array {
  if (encoding === "json") return Buffer.from(JSON.stringify({ code, message, details: [] }));
  return Writer.create()
    .uint32((1 << 3) | 0)
    .int32(code)
    .uint32((2 << 3) | 2)
    .string(message)
    .finish();
}

/** Metadata key gRPC carries a full `google.rpc.Status` (with details) in. */
export const GRPC_STATUS_DETAILS_KEY = "grpc-status-details-bin";
const RETRY_INFO_TYPE_URL = "type.googleapis.com/google.rpc.RetryInfo";

/**
 * `google.rpc.Status` with one `google.rpc.RetryInfo` detail (retry_delay: Duration = 1, seconds
 * int64 = 1). OTLP/gRPC throttling: a RESOURCE_EXHAUSTED answer is retryable only when it carries
 * RetryInfo, and the client waits the delay it names.
 */
export function encodeRetryInfoStatus(code: number, message: string, retryAfterSeconds: number): Uint8Array {
  const duration = Writer.create().uint32((1 << 3) | 0).int64(retryAfterSeconds).finish();
  const retryInfo = Writer.create().uint32((1 << 3) | 2).bytes(duration).finish();
  const any = Writer.create().uint32((1 << 3) | 2).string(RETRY_INFO_TYPE_URL).uint32((2 << 3) | 2).bytes(retryInfo).finish();
  return Writer.create()
    .uint32((1 << 3) | 0)
    .int32(code)
    .uint32((2 << 3) | 2)
    .string(message)
    .uint32((3 << 3) | 2)
    .bytes(any)
    .finish();
}
