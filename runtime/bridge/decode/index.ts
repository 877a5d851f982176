import { OtlpDecodeError } from "./decode-error";
import { decodeOtlpJson } from "./otlp-json";
import { decodeOtlpProtobuf } from "./otlp-protobuf";
import type { ExportLogsServiceRequest, RejectedRecord } from "./otlp-types";

export { OtlpDecodeError } from "./decode-error";
export type { DecodeErrorReason } from "./decode-error";
export { decodeOtlpJsonValue } from "./otlp-json";
export type * from "./otlp-types";

export type OtlpEncoding = "json" | "protobuf";

/** The OTLP signals LogClaw takes; each has its own export request (`resourceLogs` / `resourceSpans`). */
export type OtlpSignal = "logs" | "traces";

export { decodeOtlpTraces, type ExportTraceServiceRequest, type TracesDecodeResult } from "./otlp-traces";

export type DecodeResult =
  | { ok: true; request: ExportLogsServiceRequest; rejected: RejectedRecord[] }
  | { ok: false; error: OtlpDecodeError };

/**
 * Decodes an OTLP logs payload. Never throws for bad input: an unusable payload yields
 * `{ ok: false, error }` (with `error.reason`), malformed records inside a usable payload are listed
 * in `rejected` and the rest is decoded.
 */
export function decodeOtlpLogs(payload: Uint8Array | string, encoding: OtlpEncoding): DecodeResult {
  const rejected: RejectedRecord[] = [];
  try {
    const request =
      encoding === "json"
        ? decodeOtlpJson(typeof payload === "string" ? payload : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString("utf8"), rejected)
        : decodeOtlpProtobuf(typeof payload === "string" ? Buffer.from(payload, "latin1") : payload, rejected);
    return { ok: true, request, rejected };
  } catch (err) {
    if (err instanceof OtlpDecodeError) return { ok: false, error: err };
    throw err;
  }
}
