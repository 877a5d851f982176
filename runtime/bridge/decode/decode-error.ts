/** Why a whole OTLP payload could not be decoded. */
export type DecodeErrorReason =
  | "invalid_json"
  | "invalid_protobuf"
  | "not_an_object"
  | "invalid_structure"
  | "empty_payload";

/** A payload that is unusable as a whole; record-level problems are reported as rejected records instead. */
export class OtlpDecodeError extends Error {
  constructor(
    readonly reason: DecodeErrorReason,
    message: string,
  ) {
    super(message);
    this.name = "OtlpDecodeError";
  }
}
