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
