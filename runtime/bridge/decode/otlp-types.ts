/**
 * The decoded OTLP logs request: the canonical OTLP/JSON shape (lowerCamelCase field names) with every
 * field present, so both encodings decode to the same plain, JSON-serializable object:
 * - trace and span ids as lower-case hex ("" when absent),
 * - 64-bit integers (timestamps, `intValue`) as decimal strings, so no precision is lost,
 * - `bytesValue` as base64.
 */

export interface ExportLogsServiceRequest {
  resourceLogs: ResourceLogs[];
}

export interface ResourceLogs {
  resource: Resource;
  scopeLogs: ScopeLogs[];
  schemaUrl: string;
}

export interface Resource {
  attributes: KeyValue[];
  droppedAttributesCount: number;
}

export interface ScopeLogs {
  scope: InstrumentationScope;
  logRecords: LogRecord[];
  schemaUrl: string;
}

export interface InstrumentationScope {
  name: string;
  version: string;
  attributes: KeyValue[];
  droppedAttributesCount: number;
}

export interface LogRecord {
  /** Nanoseconds since the Unix epoch as a decimal string; "0" when unknown. */
  timeUnixNano: string;
  observedTimeUnixNano: string;
  /** 0 (unspecified) to 24 (FATAL4). */
  severityNumber: number;
  severityText: string;
  /** null when the record has no body. */
  body: AnyValue | null;
  attributes: KeyValue[];
  droppedAttributesCount: number;
  flags: number;
  /** 32 lower-case hex characters, or "" when absent. */
  traceId: string;
  /** 16 lower-case hex characters, or "" when absent. */
  spanId: string;
}

export interface KeyValue {
  key: string;
  value: AnyValue;
}

/** At most one of the fields is set; none set is the empty value. */
export interface AnyValue {
  stringValue?: string;
  boolValue?: boolean;
  /** int64 as a decimal string. */
  intValue?: string;
  doubleValue?: number;
  /** base64. */
  bytesValue?: string;
  arrayValue?: { values: AnyValue[] };
  kvlistValue?: { values: KeyValue[] };
}

/** A log record the decoder could not accept; the rest of the request is still decoded. */
export interface RejectedRecord {
  /** Where in the request, e.g. `resourceLogs[0].scopeLogs[1].logRecords[3]`. */
  path: string;
  reason: string;
  /** The offending record as received (JSON text), for the dead letter. */
  payload: string;
}
