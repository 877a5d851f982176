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
