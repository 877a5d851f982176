import { OtlpDecodeError } from "./decode-error";
import {
  arrayField,
  decodeKeyValues,
  decodeResource,
  FieldError,
  get,
  idField,
  isObject,
  optionalObject,
  parseOtlpJson,
  safeStringify,
  stringField,
  structural,
  timestampField,
} from "./otlp-json";
import { hex, keyValues, longText, type PbKeyValue, type PbLong } from "./otlp-protobuf";
import type { KeyValue, RejectedRecord, Resource } from "./otlp-types";

/**
 * OTLP traces (`ExportTraceServiceRequest`) in both encodings, decoded to one canonical shape like
 * the logs decoder: ids as lower-case hex ("" when absent), 64-bit times as decimal strings. Events
 * and links are not read (nothing downstream uses them); a malformed span is rejected alone.
 */

export interface ExportTraceServiceRequest {
  resourceSpans: ResourceSpans[];
}

export interface ResourceSpans {
  resource: Resource;
  scopeSpans: ScopeSpans[];
}

export interface ScopeSpans {
  scope: { name: string; version: string };
  spans: Span[];
}

/** SpanKind: 0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
export type SpanKind = 0 | 1 | 2 | 3 | 4 | 5;

/** Status code: 0 unset, 1 ok, 2 error. */
export type StatusCode = 0 | 1 | 2;

export interface Span {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: SpanKind;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: KeyValue[];
  status: { code: StatusCode; message: string };
}

const KIND_NAMES: Record<string, SpanKind> = {
  SPAN_KIND_UNSPECIFIED: 0,
  SPAN_KIND_INTERNAL: 1,
  SPAN_KIND_SERVER: 2,
  SPAN_KIND_CLIENT: 3,
  SPAN_KIND_PRODUCER: 4,
  SPAN_KIND_CONSUMER: 5,
};
const STATUS_NAMES: Record<string, StatusCode> = { STATUS_CODE_UNSET: 0, STATUS_CODE_OK: 1, STATUS_CODE_ERROR: 2 };

function enumField<T extends number>(value: unknown, names: Record<string, T>, max: number, what: string): T {
  if (value === undefined || value === null) return 0 as T;
  if (typeof value === "string" && names[value] !== undefined) return names[value];
  const n = typeof value === "string" && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== "number" || !Number.isInteger(n) || n < 0 || n > max) throw new FieldError(`${what} ${JSON.stringify(value).slice(0, 40)} is not valid`);
  return n as T;
}

/** The checks every span gets, whichever the encoding. */
function checked(span: Span): Span {
  if (span.traceId === "") throw new FieldError("traceId is required");
  if (span.spanId === "") throw new FieldError("spanId is required");
  if (BigInt(span.endTimeUnixNano) < BigInt(span.startTimeUnixNano)) throw new FieldError("endTimeUnixNano is before startTimeUnixNano");
  return span;
}

function jsonSpan(raw: unknown): Span {
  if (!isObject(raw)) throw new FieldError("span must be an object");
  const status = get(raw, "status", "status");
  if (status !== undefined && status !== null && !isObject(status)) throw new FieldError("status must be an object");
  return checked({
    traceId: idField(raw, "traceId", "trace_id", 16),
    spanId: idField(raw, "spanId", "span_id", 8),
    parentSpanId: idField(raw, "parentSpanId", "parent_span_id", 8),
    name: stringField(raw, "name", "name", "name"),
    kind: enumField<SpanKind>(raw.kind, KIND_NAMES, 5, "kind"),
    startTimeUnixNano: timestampField(raw, "startTimeUnixNano", "start_time_unix_nano"),
    endTimeUnixNano: timestampField(raw, "endTimeUnixNano", "end_time_unix_nano"),
    attributes: decodeKeyValues(raw.attributes, "attributes"),
    status: isObject(status)
      ? { code: enumField<StatusCode>(status.code, STATUS_NAMES, 2, "status.code"), message: stringField(status, "message", "message", "status.message") }
      : { code: 0, message: "" },
  });
}

/** Decodes an already-parsed OTLP/JSON traces request. */
export function decodeTracesJsonValue(parsed: unknown, rejected: RejectedRecord[]): ExportTraceServiceRequest {
  if (!isObject(parsed)) throw new OtlpDecodeError("not_an_object", "payload is not a JSON object");
  const resourceSpans: ResourceSpans[] = [];
  const rss = arrayField(parsed, "resourceSpans", "resource_spans", "request");
  for (let r = 0; r < rss.length; r++) {
    const rsPath = `resourceSpans[${r}]`;
    const rs = rss[r];
    if (!isObject(rs)) throw new OtlpDecodeError("invalid_structure", `${rsPath} must be an object`);
    const resource = decodeResource(rs, rsPath);
    const scopeSpans: ScopeSpans[] = [];
    const sss = arrayField(rs, "scopeSpans", "scope_spans", rsPath);
    for (let s = 0; s < sss.length; s++) {
      const ssPath = `${rsPath}.scopeSpans[${s}]`;
      const ss = sss[s];
      if (!isObject(ss)) throw new OtlpDecodeError("invalid_structure", `${ssPath} must be an object`);
      const rawScope = optionalObject(ss, "scope", "scope", ssPath);
      const scope = structural(`${ssPath}.scope`, () => ({
        name: stringField(rawScope, "name", "name", "name"),
        version: stringField(rawScope, "version", "version", "version"),
      }));
      const spans: Span[] = [];
      const raws = arrayField(ss, "spans", "spans", ssPath);
      for (let i = 0; i < raws.length; i++) {
        try {
          spans.push(jsonSpan(raws[i]));
        } catch (err) {
          if (!(err instanceof FieldError)) throw err;
          rejected.push({ path: `${ssPath}.spans[${i}]`, reason: err.message, payload: safeStringify(raws[i]) });
        }
      }
      scopeSpans.push({ scope, spans });
    }
    resourceSpans.push({ resource, scopeSpans });
  }
  return { resourceSpans };
}

// The generated module has no useful typings; the decoded messages are described by the fields read here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const generatedRoot = require("@opentelemetry/otlp-transformer/build/src/generated/root") as {
  opentelemetry: { proto: { collector: { trace: { v1: { ExportTraceServiceRequest: { decode(bytes: Uint8Array): PbRequest } } } } } };
};
const RequestType = generatedRoot.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;

interface PbSpan {
  traceId?: Uint8Array | null;
  spanId?: Uint8Array | null;
  parentSpanId?: Uint8Array | null;
  name?: string | null;
  kind?: number | null;
  startTimeUnixNano?: PbLong | null;
  endTimeUnixNano?: PbLong | null;
  attributes?: PbKeyValue[];
  status?: { code?: number | null; message?: string | null } | null;
}
interface PbRequest {
  resourceSpans?: {
    resource?: { attributes?: PbKeyValue[]; droppedAttributesCount?: number | null } | null;
    scopeSpans?: { scope?: { name?: string | null; version?: string | null } | null; spans?: PbSpan[] }[];
  }[];
}

function pbSpan(s: PbSpan): Span {
  const kind = s.kind ?? 0;
  const code = s.status?.code ?? 0;
  if (kind < 0 || kind > 5) throw new FieldError(`kind ${kind} is not valid`);
  if (code < 0 || code > 2) throw new FieldError(`status.code ${code} is not valid`);
  let ids: [string, string, string];
  try {
    ids = [hex(s.traceId, 16), hex(s.spanId, 8), hex(s.parentSpanId, 8)];
  } catch (err) {
    throw new FieldError((err as Error).message);
  }
  return checked({
    traceId: ids[0],
    spanId: ids[1],
    parentSpanId: ids[2],
    name: s.name ?? "",
    kind: kind as SpanKind,
    startTimeUnixNano: longText(s.startTimeUnixNano),
    endTimeUnixNano: longText(s.endTimeUnixNano),
    attributes: keyValues(s.attributes),
    status: { code: code as StatusCode, message: s.status?.message ?? "" },
  });
}

function decodeTracesProtobuf(bytes: Uint8Array, rejected: RejectedRecord[]): ExportTraceServiceRequest {
  if (bytes.length === 0) throw new OtlpDecodeError("empty_payload", "payload is empty");
  let message: PbRequest;
  try {
    message = RequestType.decode(bytes);
  } catch (err) {
    throw new OtlpDecodeError("invalid_protobuf", `invalid protobuf ExportTraceServiceRequest: ${(err as Error).message}`);
  }
  return {
    resourceSpans: (message.resourceSpans ?? []).map((rs, r) => ({
      resource: { attributes: keyValues(rs.resource?.attributes), droppedAttributesCount: rs.resource?.droppedAttributesCount ?? 0 },
      scopeSpans: (rs.scopeSpans ?? []).map((ss, s) => {
        const spans: Span[] = [];
        (ss.spans ?? []).forEach((raw, i) => {
          try {
            spans.push(pbSpan(raw));
          } catch (err) {
            if (!(err instanceof FieldError)) throw err;
            rejected.push({ path: `resourceSpans[${r}].scopeSpans[${s}].spans[${i}]`, reason: err.message, payload: JSON.stringify(raw) });
          }
        });
        return { scope: { name: ss.scope?.name ?? "", version: ss.scope?.version ?? "" }, spans };
      }),
    })),
  };
}

export type TracesDecodeResult =
  | { ok: true; request: ExportTraceServiceRequest; rejected: RejectedRecord[] }
  | { ok: false; error: OtlpDecodeError };

/** Decodes an OTLP traces payload; never throws for bad input (see `decodeOtlpLogs`). */
export function decodeOtlpTraces(payload: Uint8Array | string, encoding: "json" | "protobuf"): TracesDecodeResult {
  const rejected: RejectedRecord[] = [];
  try {
    if (encoding === "protobuf") {
      return { ok: true, request: decodeTracesProtobuf(typeof payload === "string" ? Buffer.from(payload, "latin1") : payload, rejected), rejected };
    }
    const text = typeof payload === "string" ? payload : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString("utf8");
    return { ok: true, request: decodeTracesJsonValue(parseOtlpJson(text), rejected), rejected };
  } catch (err) {
    if (err instanceof OtlpDecodeError) return { ok: false, error: err };
    throw err;
  }
}
