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
 * checks, so a bad record throws the same FieldError (the same dead-letter reason). The form nearly
 * every exporter sends (canonical digit strings, numeric severities, string and decimal-string
 * attribute values) is read here directly; anything else goes through the decoder's own checks.
 */
export function readJsonLogRecord(raw: unknown): RecordFields {
  if (!isObject(raw)) throw new FieldError("log record must be an object");
  // Each field by its camelCase name, else its proto name (`get`'s rule: only undefined falls through).
  let time = raw.timeUnixNano;
  if (time === undefined) time = raw.time_unix_nano;
  let timeMs = canonicalNanosMs(time);
  const timeUnixNano = timeMs === NOT_CANONICAL ? timestampValue(time, "timeUnixNano") : (time as string);
  let observed = raw.observedTimeUnixNano;
  if (observed === undefined) observed = raw.observed_time_unix_nano;
  let observedMs = canonicalNanosMs(observed);
  const observedTimeUnixNano = observedMs === NOT_CANONICAL ? timestampValue(observed, "observedTimeUnixNano") : (observed as string);
  let severity = raw.severityNumber;
  if (severity === undefined) severity = raw.severity_number;
  const severityNumber = typeof severity === "number" && severity >= 0 && severity <= 24 && Number.isInteger(severity) ? severity : severityNumberValue(severity);
  let text = raw.severityText;
  if (text === undefined) text = raw.severity_text;
  const severityText = typeof text === "string" ? text : stringValueOf(text, "severityText");
  const rawBody = raw.body;
  let message: string | undefined;
  let body: AnyValue | null = null;
  if (rawBody === undefined || rawBody === null) message = "";
  // `typeof` as in flatJsonAttributes: an array body has no stringValue and is refused by decodeAnyValue.
  else if (typeof rawBody === "object" && typeof (rawBody as JsonFields).stringValue === "string") message = (rawBody as JsonFields).stringValue as string;
  else body = decodeAnyValue(rawBody, "body");
  const attributes = flatJsonAttributes(raw.attributes);
  // Only checked: the count is not kept. Both are absent in nearly every record.
  let dropped = raw.droppedAttributesCount;
  if (dropped === undefined) dropped = raw.dropped_attributes_count;
  if (dropped !== undefined) uint32Value(dropped, "droppedAttributesCount");
  const rawFlags = raw.flags;
  const flags = rawFlags === undefined ? 0 : uint32Value(rawFlags, "flags");
  const trace = raw.traceId;
  const traceId = idValue(trace === undefined ? raw.trace_id : trace, "traceId", 16);
  const span = raw.spanId;
  const spanId = idValue(span === undefined ? raw.span_id : span, "spanId", 8);
  if (timeMs === NOT_CANONICAL) timeMs = nanosToEpochMs(timeUnixNano);
  if (observedMs === NOT_CANONICAL) observedMs = nanosToEpochMs(observedTimeUnixNano);
  return {
    timeUnixNano,
    observedTimeUnixNano,
    timeMs,
    observedMs,
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

type JsonFields = Record<string, unknown>;

/** Marks a value `canonicalNanosMs` leaves to the decoder's general checks. */
const NOT_CANONICAL = -1;

/**
 * `nanosToEpochMs` of a timestamp sent as a canonical decimal string (digits, no leading zero, at most
 * 21 of them: every date up to year 33658), checked and converted in one pass; the timestamp is then
 * the string as sent. NOT_CANONICAL for anything else (absent, a JSON number, a leading zero, not
 * digits, longer), which `timestampValue` checks and canonicalizes. Up to 15 millisecond digits are
 * exact in a double whichever way they are summed, as in `nanosToEpochMs`.
 */
function canonicalNanosMs(value: unknown): number | null {
  if (typeof value !== "string") return NOT_CANONICAL;
  const length = value.length;
  if (length === 0 || length > 21 || (length > 1 && value.charCodeAt(0) === 48)) return NOT_CANONICAL;
  const end = length - 6;
  let ms = 0;
  for (let i = 0; i < length; i++) {
    const d = value.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return NOT_CANONICAL;
    if (i < end) ms = ms * 10 + d;
  }
  return value === "0" ? null : ms;
}

/**
 * `flattenAttributes(decodeKeyValues(value, "attributes"))` in one pass, with the same checks and
 * messages. `typeof` stands in for `isObject` on the way to a field: an array from JSON.parse never
 * has a `key` or `stringValue`, so it still fails where `isObject` would have failed it.
 */
function flatJsonAttributes(value: unknown): FlatAttributes {
  const out: FlatAttributes = {};
  if (value === undefined || value === null) return out;
  if (!Array.isArray(value)) throw new FieldError("attributes must be an array");
  for (let i = 0; i < value.length; i++) {
    const kv = value[i] as JsonFields | null;
    if (typeof kv !== "object" || kv === null || typeof kv.key !== "string") throw new FieldError(`attributes[${i}] must have a string key`);
    const v = kv.value as JsonFields | null;
    if (typeof v === "object" && v !== null) {
      if (typeof v.stringValue === "string") {
        out[kv.key] = v.stringValue;
        continue;
      }
      const int = v.intValue;
      if (typeof int === "string" && v.stringValue === undefined && isShortDecimal(int) && v.string_value === undefined && v.boolValue === undefined && v.bool_value === undefined) {
        out[kv.key] = Number(int);
        continue;
      }
    }
    const decoded = decodeAnyValue(v, `attributes[${i}].value`);
    if (decoded.kvlistValue !== undefined) flattenAttributes(decoded.kvlistValue.values, out, `${kv.key}.`);
    else out[kv.key] = flatValue(decoded);
  }
  return out;
}

/**
 * Whether an int64 sent as a string is already canonical and exact as a number (an optional minus, at
 * most 15 digits, no leading zero, not "-0"): its flat value is then `Number(text)`, as the decoder's
 * canonicalization and `flatValue` would give.
 */
function isShortDecimal(text: string): boolean {
  const start = text.charCodeAt(0) === 45 ? 1 : 0;
  const digits = text.length - start;
  if (digits === 0 || digits > 15) return false;
  const first = text.charCodeAt(start);
  if (first === 48) return digits === 1 && start === 0;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}
