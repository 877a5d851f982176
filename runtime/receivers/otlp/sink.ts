/** The wire encodings OTLP defines. */
export type OtlpEncoding = "json" | "protobuf";

/** Each signal has its own path (`/v1/logs`, `/v1/traces`) and gRPC service. */
export type { OtlpSignal } from "../../bridge/decode";
import type { OtlpSignal } from "../../bridge/decode";

/** What became of one accepted export request. */
export interface OtlpExportResult {
  /** Log records or spans, by the request's signal. */
  accepted: number;
  rejected: number;
  /** Why records were rejected (OTLP `partial_success.error_message`). */
  errorMessage?: string;
}

/**
 * Where the receivers hand decoded-or-not payloads of either signal. It must resolve only once the records are durably
 * handed off (stored or queued on disk): the receiver answers success right after. It throws
 * `OtlpDecodeError` (from the bridge) for a payload that is malformed as a whole, and
 * `ReceiverOverloadedError` to push back on the client.
 */
export interface OtlpSink {
  export(signal: OtlpSignal, payload: Uint8Array, encoding: OtlpEncoding, source: string): Promise<OtlpExportResult>;
}

/** Thrown by a sink that cannot take more now; receivers answer 503 / UNAVAILABLE with a retry delay. */
export class ReceiverOverloadedError extends Error {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
    this.name = "ReceiverOverloadedError";
  }
}

/**
 * Protobuf encodes an `ExportLogsServiceRequest` without any `resourceLogs` (or an
 * `ExportTraceServiceRequest` without any `resourceSpans`) as zero bytes: a valid request with nothing in it, which OTLP answers with success (clients send it, e.g. as a probe).
 * JSON has no such form (an empty body is not a JSON document).
 */
export function isEmptyExportRequest(payload: Uint8Array, encoding: OtlpEncoding): boolean {
  return encoding === "protobuf" && payload.length === 0;
}

/** The answer to a valid request that holds no records. */
export const EMPTY_EXPORT_RESULT: OtlpExportResult = { accepted: 0, rejected: 0 };
