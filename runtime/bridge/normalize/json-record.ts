import type { FlatAttributes } from "../../../contracts/records";
import { decodeAnyValue, FieldError, idValue, isObject, severityNumberValue, stringValueOf, timestampValue, uint32Value } from "../decode/otlp-json";
import type { AnyValue } from "../decode/otlp-types";
import { flattenAttributes, flatValue } from "./attributes";
import { nanosToEpochMs } from "./event-time";
import { messageOf, type RecordFields } from "./normalize";

/**
 * One OTLP/JSON log record, as parsed, to what normalization reads: decoded and flattened in one pass,
 * without the LogRecord, KeyValue and AnyValue objects `decodeLogRecord` builds (they were a measurable
 * share of the pipeline's allocations). Fields are checked in `decodeLogRecord`'s order with its
 * checks, so a bad record throws the same FieldError (the same dead-letter reason); a string value is
 * taken as it is, anything else goes through `decodeAnyValue`.
 */
export function readJsonLogRecord(raw: unknown): RecordFields {
  if (!isObject(raw)) throw new FieldError("log record must be an object");
  // Each field by its camelCase name, else its proto name (`get`'s rule: only undefined falls through).
  const time = raw.timeUnixNano;
  const timeUnixNano = timestampValue(time === undefined ? raw.time_unix_nano : time, "timeUnixNano");
  const observed = raw.observedTimeUnixNano;
  const observedTimeUnixNano = timestampValue(observed === undefined ? raw.observed_time_unix_nano : observed, "observedTimeUnixNano");
  const severity = raw.severityNumber;
  const severityNumber = severityNumberValue(severity === undefined ? raw.severity_number : severity);
  const text = raw.severityText;
  const severityText = stringValueOf(text === undefined ? raw.severity_text : text, "severityText");
  const rawBody = raw.body;
  let message: string | undefined;
  let body: AnyValue | null = null;
  if (rawBody === undefined || rawBody === null) message = "";
  else if (isObject(rawBody) && typeof rawBody.stringValue === "string") message = rawBody.stringValue;
  else body = decodeAnyValue(rawBody, "body");
  const attributes = flatJsonAttributes(raw.attributes);
  const dropped = raw.droppedAttributesCount;
  uint32Value(dropped === undefined ? raw.dropped_attributes_count : dropped, "droppedAttributesCount");
  const flags = uint32Value(raw.flags, "flags");
  const trace = raw.traceId;
  const traceId = idValue(trace === undefined ? raw.trace_id : trace, "traceId", 16);
  const span = raw.spanId;
  const spanId = idValue(span === undefined ? raw.span_id : span, "spanId", 8);
  return {
    timeUnixNano,
    observedTimeUnixNano,
    timeMs: nanosToEpochMs(timeUnixNano),
    observedMs: nanosToEpochMs(observedTimeUnixNano),
    severityNumber,
    severityText,
    flags,
    traceId,
    spanId,
    // After the attributes: a map body's other keys join them (`messageOf`).
    message: message ?? messageOf(body, attributes),
    attributes,
  };
}

/** `flattenAttributes(decodeKeyValues(value, "attributes"))` in one pass, with the same checks and messages. */
function flatJsonAttributes(value: unknown): FlatAttributes {
  const out: FlatAttributes = {};
  if (value === undefined || value === null) return out;
  if (!Array.isArray(value)) throw new FieldError("attributes must be an array");
  for (let i = 0; i < value.length; i++) {
    const kv: unknown = value[i];
    if (!isObject(kv) || typeof kv.key !== "string") throw new FieldError(`attributes[${i}] must have a string key`);
    const v = kv.value;
    if (isObject(v) && typeof v.stringValue === "string") {
      out[kv.key] = v.stringValue;
      continue;
    }
    const decoded = decodeAnyValue(v, `attributes[${i}].value`);
    if (decoded.kvlistValue !== undefined) flattenAttributes(decoded.kvlistValue.values, out, `${kv.key}.`);
    else out[kv.key] = flatValue(decoded);
  }
  return out;
}
