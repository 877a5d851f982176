import { OtlpDecodeError } from "./decode-error";
import { decodeOtlpJson, decodeOtlpJsonStructure, parseOtlpJson, type JsonLogsRequest } from "./otlp-json";
import { decodeOtlpProtobuf } from "./otlp-protobuf";
import type { ExportLogsServiceRequest, RejectedRecord } from "./otlp-types";

export { OtlpDecodeError } from "./decode-error";
export type { DecodeErrorReason } from "./decode-error";
export { decodeOtlpJsonValue, rejectedRecord } from "./otlp-json";
export type { JsonLogsRequest, JsonResourceLogs, JsonScopeLogs } from "./otlp-json";
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
    const request = encoding === "json" ? decodeOtlpJson(jsonText(payload), rejected) : decodeOtlpProtobuf(typeof payload === "string" ? Buffer.from(payload, "latin1") : payload, rejected);
    return { ok: true, request, rejected };
  } catch (err) {
    if (err instanceof OtlpDecodeError) return { ok: false, error: err };
    throw err;
  }
}

export type JsonLogsResult = { ok: true; request: JsonLogsRequest } | { ok: false; error: OtlpDecodeError };

/**
 * An OTLP/JSON logs payload parsed and checked above the record level, its records left as parsed for
 * the pipeline to decode and normalize in one pass. Never throws for bad input: an unusable payload
 * yields `{ ok: false, error }` exactly as `decodeOtlpLogs` reports it.
 */
export function readOtlpJsonLogs(payload: Uint8Array | string): JsonLogsResult {
  try {
    return { ok: true, request: decodeOtlpJsonStructure(parseOtlpJson(jsonText(payload))) };
  } catch (err) {
    if (err instanceof OtlpDecodeError) return { ok: false, error: err };
    throw err;
  }
}

function jsonText(payload: Uint8Array | string): string {
  return typeof payload === "string" ? payload : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString("utf8");
}
