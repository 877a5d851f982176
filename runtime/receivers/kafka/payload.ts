import type { OtlpEncoding } from "../../bridge/decode";

const JSON_LEADING_WHITESPACE = new Set([0x20, 0x09, 0x0d]);

/**
 * The collector's Kafka exporter writes `otlp_json` here, but `otlp_proto` is one setting away. A
 * protobuf ExportLogsServiceRequest starts with the tag of field 1 (0x0a); OTLP/JSON starts with `{`
 * after optional spaces. Anything else is handed to the JSON decoder, which dead-letters it.
 */
export function payloadEncoding(payload: Uint8Array): OtlpEncoding {
  if (payload[0] === 0x0a) return "protobuf";
  for (const byte of payload) {
    if (!JSON_LEADING_WHITESPACE.has(byte)) return "json";
  }
  return "json";
}
