import { OtlpDecodeError } from "./decode-error";
import type {
  AnyValue,
  ExportLogsServiceRequest,
  InstrumentationScope,
  KeyValue,
  LogRecord,
  RejectedRecord,
  Resource,
  ResourceLogs,
  ScopeLogs,
} from "./otlp-types";

/**
 * OTLP/JSON per the OTLP specification (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding):
 * lowerCamelCase keys (the proto field names are accepted too, as proto3 JSON allows), trace/span ids
 * as hex, 64-bit integers as strings or numbers, enums as integers (names accepted), unknown fields
 * ignored. A malformed log record is rejected alone with its path and reason; only a payload that is
 * not a request at all fails as a whole.
 */

type Json = Record<string, unknown>;

/** A field problem inside one record; caught at the record boundary and turned into a rejection (the traces decoder shares it). */
export class FieldError extends Error {}

const SEVERITY_NAMES: Record<string, number> = {
  SEVERITY_NUMBER_UNSPECIFIED: 0,
  SEVERITY_NUMBER_TRACE: 1,
  SEVERITY_NUMBER_TRACE2: 2,
  SEVERITY_NUMBER_TRACE3: 3,
  SEVERITY_NUMBER_TRACE4: 4,
  SEVERITY_NUMBER_DEBUG: 5,
  SEVERITY_NUMBER_DEBUG2: 6,
  SEVERITY_NUMBER_DEBUG3: 7,
  SEVERITY_NUMBER_DEBUG4: 8,
  SEVERITY_NUMBER_INFO: 9,
  SEVERITY_NUMBER_INFO2: 10,
  SEVERITY_NUMBER_INFO3: 11,
  SEVERITY_NUMBER_INFO4: 12,
  SEVERITY_NUMBER_WARN: 13,
  SEVERITY_NUMBER_WARN2: 14,
  SEVERITY_NUMBER_WARN3: 15,
  SEVERITY_NUMBER_WARN4: 16,
  SEVERITY_NUMBER_ERROR: 17,
  SEVERITY_NUMBER_ERROR2: 18,
  SEVERITY_NUMBER_ERROR3: 19,
  SEVERITY_NUMBER_ERROR4: 20,
  SEVERITY_NUMBER_FATAL: 21,
  SEVERITY_NUMBER_FATAL2: 22,
  SEVERITY_NUMBER_FATAL3: 23,
  SEVERITY_NUMBER_FATAL4: 24,
};

const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;
const UNSIGNED = /^\d+$/;
const SIGNED = /^-?\d+$/;
const LOWER_HEX = /^[0-9a-f]+$/;
const ZEROS = /^0+$/;

export function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function get(obj: Json, camel: string, snake: string): unknown {
  const value = obj[camel];
  return value === undefined ? obj[snake] : value;
}

export function stringField(obj: Json, camel: string, snake: string, what: string): string {
  return stringValueOf(get(obj, camel, snake), what);
}

/*
 * The `...Value` checks take a field's value rather than its object: the per-record reader
 * (normalize/json-record.ts) loads each field by its literal name, which V8 serves from the shape of
 * the parsed objects, where `get`'s computed names cost a generic lookup per field.
 */

export function stringValueOf(value: unknown, what: string): string {
  if (value === undefined || value === null) return "";
  if (typeof value !== "string") throw new FieldError(`${what} must be a string`);
  return value;
}

export function uint32Field(obj: Json, camel: string, snake: string, what: string): number {
  return uint32Value(get(obj, camel, snake), what);
}

export function uint32Value(value: unknown, what: string): number {
  if (value === undefined || value === null) return 0;
  const n = typeof value === "string" && UNSIGNED.test(value) ? Number(value) : value;
  if (typeof n !== "number" || !Number.isInteger(n) || n < 0 || n > 0xffffffff) {
    throw new FieldError(`${what} must be an unsigned 32-bit integer`);
  }
  return n;
}

/** A decimal integer without leading zeros ("-0" as "0"); cheaper than a BigInt round trip. */
function canonicalInteger(text: string): string {
  const negative = text.charCodeAt(0) === 45;
  const digits = negative ? text.slice(1) : text;
  if (digits.length > 1 && digits.charCodeAt(0) === 48) {
    const trimmed = digits.replace(/^0+/, "") || "0";
    return negative && trimmed !== "0" ? `-${trimmed}` : trimmed;
  }
  return negative && digits === "0" ? "0" : text;
}

/** int64/uint64 as a decimal string; JSON numbers beyond 2^53 are accepted as sent (their precision is already gone). */
function int64(value: unknown, signed: boolean, what: string): string {
  if (typeof value === "string") {
    if ((signed ? SIGNED : UNSIGNED).test(value)) return canonicalInteger(value);
    throw new FieldError(`${what} must be an integer (got ${JSON.stringify(value).slice(0, 40)})`);
  }
  if (typeof value === "number" && Number.isInteger(value) && (signed || value >= 0)) {
    return Number.isSafeInteger(value) ? String(value) : BigInt(value).toString();
  }
  throw new FieldError(`${what} must be an integer`);
}

export function timestampField(obj: Json, camel: string, snake: string): string {
  return timestampValue(get(obj, camel, snake), camel);
}

export function timestampValue(value: unknown, camel: string): string {
  if (value === undefined || value === null) return "0";
  return int64(value, false, camel);
}

const enum HexScan {
  NotHex,
  Zero,
  Lower,
  Upper,
}

/** Whether an id is hex, with upper-case letters, or all zeros, in one pass (regular expressions cost more per record). */
function scanHex(value: string): HexScan {
  let upper = false;
  let nonZero = false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (c !== 48) nonZero = true;
    } else if (c >= 97 && c <= 102) {
      nonZero = true;
    } else if (c >= 65 && c <= 70) {
      nonZero = true;
      upper = true;
    } else {
      return HexScan.NotHex;
    }
  }
  return !nonZero ? HexScan.Zero : upper ? HexScan.Upper : HexScan.Lower;
}

/**
 * Ids are hex in OTLP/JSON. Some emitters use proto3's default base64 for bytes instead; a base64
 * string has a different length than the hex form of the same id, so both are accepted unambiguously.
 */
export function idField(obj: Json, camel: string, snake: string, bytes: number): string {
  return idValue(get(obj, camel, snake), camel, bytes);
}

export function idValue(value: unknown, camel: string, bytes: number): string {
  if (value === undefined || value === null || value === "") return "";
  if (typeof value !== "string") throw new FieldError(`${camel} must be a hex string`);
  if (value.length === bytes * 2) {
    // The form nearly every exporter sends; a compiled character class checks it faster than a loop.
    if (LOWER_HEX.test(value)) return value.charCodeAt(0) === 48 && ZEROS.test(value) ? "" : value;
    const scan = scanHex(value);
    // An all-zero id is invalid per the spec and means "no trace".
    if (scan === HexScan.Zero) return "";
    if (scan !== HexScan.NotHex) return scan === HexScan.Upper ? value.toLowerCase() : value;
  }
  let hex: string;
  if (value.length === Math.ceil(bytes / 3) * 4 && BASE64.test(value)) {
    hex = Buffer.from(value, "base64").toString("hex");
    if (hex.length !== bytes * 2) throw new FieldError(`${camel} must be ${bytes * 2} hex characters`);
  } else {
    throw new FieldError(`${camel} must be ${bytes * 2} hex characters (got ${JSON.stringify(value).slice(0, 40)})`);
  }
  // An all-zero id is invalid per the spec and means "no trace".
  return ZEROS.test(hex) ? "" : hex;
}

export function severityNumberField(obj: Json): number {
  return severityNumberValue(get(obj, "severityNumber", "severity_number"));
}

export function severityNumberValue(value: unknown): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === "string") {
    const named = SEVERITY_NAMES[value];
    if (named !== undefined) return named;
    if (UNSIGNED.test(value)) return severityInRange(Number(value));
    throw new FieldError(`severityNumber ${JSON.stringify(value).slice(0, 40)} is not a severity`);
  }
  if (typeof value === "number") return severityInRange(value);
  throw new FieldError("severityNumber must be an integer");
}

function severityInRange(n: number): number {
  if (!Number.isInteger(n) || n < 0 || n > 24) throw new FieldError(`severityNumber ${n} is outside 0..24`);
  return n;
}

export function decodeAnyValue(value: unknown, what: string): AnyValue {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) throw new FieldError(`${what} must be an AnyValue object`);
  if (value.stringValue !== undefined || value.string_value !== undefined) {
    const s = get(value, "stringValue", "string_value");
    if (typeof s !== "string") throw new FieldError(`${what}.stringValue must be a string`);
    return { stringValue: s };
  }
  if (value.boolValue !== undefined || value.bool_value !== undefined) {
    const b = get(value, "boolValue", "bool_value");
    if (typeof b !== "boolean") throw new FieldError(`${what}.boolValue must be a boolean`);
    return { boolValue: b };
  }
  if (value.intValue !== undefined || value.int_value !== undefined) {
    return { intValue: int64(get(value, "intValue", "int_value"), true, `${what}.intValue`) };
  }
  if (value.doubleValue !== undefined || value.double_value !== undefined) {
    const d = get(value, "doubleValue", "double_value");
    // proto3 JSON writes non-finite doubles as strings.
    if (d === "NaN" || d === "Infinity" || d === "-Infinity") return { doubleValue: Number(d) };
    const n = typeof d === "string" && d.trim() !== "" ? Number(d) : d;
    if (typeof n !== "number" || Number.isNaN(n)) throw new FieldError(`${what}.doubleValue must be a number`);
    return { doubleValue: n };
  }
  if (value.bytesValue !== undefined || value.bytes_value !== undefined) {
    const s = get(value, "bytesValue", "bytes_value");
    if (typeof s !== "string" || !BASE64.test(s)) throw new FieldError(`${what}.bytesValue must be base64`);
    return { bytesValue: Buffer.from(s, "base64").toString("base64") };
  }
  if (value.arrayValue !== undefined || value.array_value !== undefined) {
    const arr = get(value, "arrayValue", "array_value");
    if (!isObject(arr)) throw new FieldError(`${what}.arrayValue must be an object`);
    const values = arr.values ?? [];
    if (!Array.isArray(values)) throw new FieldError(`${what}.arrayValue.values must be an array`);
    return { arrayValue: { values: values.map((v, i) => decodeAnyValue(v, `${what}.arrayValue.values[${i}]`)) } };
  }
  if (value.kvlistValue !== undefined || value.kvlist_value !== undefined) {
    const kv = get(value, "kvlistValue", "kvlist_value");
    if (!isObject(kv)) throw new FieldError(`${what}.kvlistValue must be an object`);
    return { kvlistValue: { values: decodeKeyValues(kv.values, `${what}.kvlistValue.values`) } };
  }
  return {};
}

export function decodeKeyValues(value: unknown, what: string): KeyValue[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new FieldError(`${what} must be an array`);
  const out: KeyValue[] = new Array(value.length);
  for (let i = 0; i < value.length; i++) {
    const kv: unknown = value[i];
    if (!isObject(kv) || typeof kv.key !== "string") throw new FieldError(`${what}[${i}] must have a string key`);
    out[i] = { key: kv.key, value: decodeAnyValue(kv.value, `${what}[${i}].value`) };
  }
  return out;
}

function decodeLogRecord(raw: unknown): LogRecord {
  if (!isObject(raw)) throw new FieldError("log record must be an object");
  const body = raw.body;
  return {
    timeUnixNano: timestampField(raw, "timeUnixNano", "time_unix_nano"),
    observedTimeUnixNano: timestampField(raw, "observedTimeUnixNano", "observed_time_unix_nano"),
    severityNumber: severityNumberField(raw),
    severityText: stringField(raw, "severityText", "severity_text", "severityText"),
    body: body === undefined || body === null ? null : decodeAnyValue(body, "body"),
    attributes: decodeKeyValues(raw.attributes, "attributes"),
    droppedAttributesCount: uint32Field(raw, "droppedAttributesCount", "dropped_attributes_count", "droppedAttributesCount"),
    flags: uint32Field(raw, "flags", "flags", "flags"),
    traceId: idField(raw, "traceId", "trace_id", 16),
    spanId: idField(raw, "spanId", "span_id", 8),
  };
}

export function arrayField(obj: Json, camel: string, snake: string, path: string): unknown[] {
  const value = get(obj, camel, snake);
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new OtlpDecodeError("invalid_structure", `${path}.${camel} must be an array`);
  return value;
}

export function optionalObject(obj: Json, camel: string, snake: string, path: string): Json {
  const value = get(obj, camel, snake);
  if (value === undefined || value === null) return {};
  if (!isObject(value)) throw new OtlpDecodeError("invalid_structure", `${path}.${camel} must be an object`);
  return value;
}

/** Structural problems above the record level (resource, scope) make the payload unusable. */
export function structural<T>(path: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof FieldError) throw new OtlpDecodeError("invalid_structure", `${path}: ${err.message}`);
    throw err;
  }
}

/** The `resource` of a resourceLogs or resourceSpans entry at `path`. */
export function decodeResource(container: Record<string, unknown>, path: string): Resource {
  const raw = optionalObject(container, "resource", "resource", path);
  return structural(`${path}.resource`, () => ({
    attributes: decodeKeyValues(raw.attributes, "attributes"),
    droppedAttributesCount: uint32Field(raw, "droppedAttributesCount", "dropped_attributes_count", "droppedAttributesCount"),
  }));
}

/** One scopeLogs entry whose structure is checked; its log records are still as parsed (see `decodeLogRecord`). */
export interface JsonScopeLogs {
  scope: InstrumentationScope;
  schemaUrl: string;
  /** The log records as parsed: each is decoded (and may be rejected) on its own. */
  logRecords: unknown[];
  /** Where the entry is in the request, e.g. `resourceLogs[0].scopeLogs[1]`. */
  path: string;
}

export interface JsonResourceLogs {
  resource: Resource;
  schemaUrl: string;
  scopeLogs: JsonScopeLogs[];
}

/**
 * An OTLP/JSON logs request checked above the record level: every structural problem (which makes the
 * payload unusable) is found before any record is used, so a consumer can decode and use each record
 * in one pass (the pipeline builds the log document straight from the parsed record).
 */
export interface JsonLogsRequest {
  resourceLogs: JsonResourceLogs[];
}

/** Checks the structure of an already-parsed OTLP/JSON logs value, in the order `decodeOtlpJsonValue` reports problems. */
export function decodeOtlpJsonStructure(parsed: unknown): JsonLogsRequest {
  if (!isObject(parsed)) throw new OtlpDecodeError("not_an_object", "payload is not a JSON object");
  const resourceLogs: JsonResourceLogs[] = [];
  const rls = arrayField(parsed, "resourceLogs", "resource_logs", "request");
  for (let r = 0; r < rls.length; r++) {
    const rlPath = `resourceLogs[${r}]`;
    const rl = rls[r];
    if (!isObject(rl)) throw new OtlpDecodeError("invalid_structure", `${rlPath} must be an object`);
    const resource = decodeResource(rl, rlPath);
    const scopeLogs: JsonScopeLogs[] = [];
    const sls = arrayField(rl, "scopeLogs", "scope_logs", rlPath);
    for (let s = 0; s < sls.length; s++) {
      const slPath = `${rlPath}.scopeLogs[${s}]`;
      const sl = sls[s];
      if (!isObject(sl)) throw new OtlpDecodeError("invalid_structure", `${slPath} must be an object`);
      const rawScope = optionalObject(sl, "scope", "scope", slPath);
      const scope: InstrumentationScope = structural(`${slPath}.scope`, () => ({
        name: stringField(rawScope, "name", "name", "name"),
        version: stringField(rawScope, "version", "version", "version"),
        attributes: decodeKeyValues(rawScope.attributes, "attributes"),
        droppedAttributesCount: uint32Field(rawScope, "droppedAttributesCount", "dropped_attributes_count", "droppedAttributesCount"),
      }));
      const logRecords = arrayField(sl, "logRecords", "log_records", slPath);
      scopeLogs.push({ scope, logRecords, schemaUrl: structural(slPath, () => stringField(sl, "schemaUrl", "schema_url", "schemaUrl")), path: slPath });
    }
    resourceLogs.push({
      resource,
      scopeLogs,
      schemaUrl: structural(rlPath, () => stringField(rl, "schemaUrl", "schema_url", "schemaUrl")),
    });
  }
  return { resourceLogs };
}

/** A log record's dead-letter form: where it was and what was wrong with it. */
export function rejectedRecord(scope: JsonScopeLogs, index: number, raw: unknown, err: unknown): RejectedRecord {
  if (!(err instanceof FieldError)) throw err;
  return { path: `${scope.path}.logRecords[${index}]`, reason: err.message, payload: safeStringify(raw) };
}

/** Decodes an already-parsed OTLP/JSON value. */
export function decodeOtlpJsonValue(parsed: unknown, rejected: RejectedRecord[]): ExportLogsServiceRequest {
  const structure = decodeOtlpJsonStructure(parsed);
  const resourceLogs: ResourceLogs[] = structure.resourceLogs.map((rl) => ({
    resource: rl.resource,
    scopeLogs: rl.scopeLogs.map((sl): ScopeLogs => {
      const logRecords: LogRecord[] = [];
      for (let l = 0; l < sl.logRecords.length; l++) {
        try {
          logRecords.push(decodeLogRecord(sl.logRecords[l]));
        } catch (err) {
          rejected.push(rejectedRecord(sl, l, sl.logRecords[l], err));
        }
      }
      return { scope: sl.scope, logRecords, schemaUrl: sl.schemaUrl };
    }),
    schemaUrl: rl.schemaUrl,
  }));
  return { resourceLogs };
}

export function safeStringify(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text;
}

/** Parses OTLP/JSON text; an empty or unparsable payload is unusable. */
export function parseOtlpJson(text: string): unknown {
  if (text.trim() === "") throw new OtlpDecodeError("empty_payload", "payload is empty");
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new OtlpDecodeError("invalid_json", `invalid JSON: ${(err as Error).message}`);
  }
}

export function decodeOtlpJson(text: string, rejected: RejectedRecord[]): ExportLogsServiceRequest {
  return decodeOtlpJsonValue(parseOtlpJson(text), rejected);
}
