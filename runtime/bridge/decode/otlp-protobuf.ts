import { OtlpDecodeError } from "./decode-error";
import type {
  AnyValue,
  ExportLogsServiceRequest,
  KeyValue,
  LogRecord,
  RejectedRecord,
} from "./otlp-types";

/**
 * OTLP protobuf through the static protobufjs code that @opentelemetry/otlp-transformer ships
 * (generated from the upstream .proto files), converted to the same canonical shape as OTLP/JSON.
 */

// The generated module has no useful typings (its root is typed as a reflection Root), so the
// decoded messages are described here by the fields this module reads.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const generatedRoot = require("@opentelemetry/otlp-transformer/build/src/generated/root") as {
  opentelemetry: {
    proto: { collector: { logs: { v1: { ExportLogsServiceRequest: { decode(bytes: Uint8Array): PbRequest } } } } };
  };
};
const RequestType = generatedRoot.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;

/** A 64-bit protobuf integer as protobufjs decodes it: a number when it fits, else a long.js `Long`. */
export type PbLong = number | { low: number; high: number; unsigned: boolean };

/**
 * The decimal text of a 64-bit protobuf integer. Through BigInt rather than `Long.prototype.toString`,
 * which divides in JavaScript: five times slower, twice per record (time and observed time, fixed64
 * nanoseconds past 2^53).
 */
export function longText(v: PbLong | null | undefined): string {
  if (v === null || v === undefined) return "0";
  if (typeof v === "number") return String(v);
  const bits = (BigInt(v.high >>> 0) << 32n) | BigInt(v.low >>> 0);
  return (v.unsigned ? bits : BigInt.asIntN(64, bits)).toString();
}
interface PbAnyValue {
  value?: string;
  stringValue?: string;
  boolValue?: boolean;
  intValue?: PbLong;
  doubleValue?: number;
  bytesValue?: Uint8Array;
  arrayValue?: { values?: PbAnyValue[] };
  kvlistValue?: { values?: PbKeyValue[] };
}
export interface PbKeyValue {
  key?: string;
  value?: PbAnyValue | null;
}
interface PbLogRecord {
  timeUnixNano?: PbLong | null;
  observedTimeUnixNano?: PbLong | null;
  severityNumber?: number | null;
  severityText?: string | null;
  body?: PbAnyValue | null;
  attributes?: PbKeyValue[];
  droppedAttributesCount?: number | null;
  flags?: number | null;
  traceId?: Uint8Array | null;
  spanId?: Uint8Array | null;
}
interface PbRequest {
  resourceLogs?: {
    resource?: { attributes?: PbKeyValue[]; droppedAttributesCount?: number | null } | null;
    scopeLogs?: {
      scope?: { name?: string | null; version?: string | null; attributes?: PbKeyValue[]; droppedAttributesCount?: number | null } | null;
      logRecords?: PbLogRecord[];
      schemaUrl?: string | null;
    }[];
    schemaUrl?: string | null;
  }[];
}

export function hex(bytes: Uint8Array | null | undefined, length: number): string {
  if (!bytes || bytes.length === 0) return "";
  if (bytes.length !== length) throw new Error(`id must be ${length} bytes, got ${bytes.length}`);
  const h = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
  return /^0+$/.test(h) ? "" : h;
}

function anyValue(v: PbAnyValue | null | undefined): AnyValue {
  if (!v) return {};
  switch (v.value) {
    case "stringValue":
      return { stringValue: v.stringValue ?? "" };
    case "boolValue":
      return { boolValue: v.boolValue ?? false };
    case "intValue":
      return { intValue: longText(v.intValue) };
    case "doubleValue":
      return { doubleValue: v.doubleValue ?? 0 };
    case "bytesValue": {
      const b = v.bytesValue ?? new Uint8Array();
      return { bytesValue: Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("base64") };
    }
    case "arrayValue":
      return { arrayValue: { values: (v.arrayValue?.values ?? []).map(anyValue) } };
    case "kvlistValue":
      return { kvlistValue: { values: keyValues(v.kvlistValue?.values) } };
    default:
      return {};
  }
}

export function keyValues(kvs: PbKeyValue[] | undefined): KeyValue[] {
  return (kvs ?? []).map((kv) => ({ key: kv.key ?? "", value: anyValue(kv.value) }));
}

function logRecord(r: PbLogRecord): LogRecord {
  const severityNumber = r.severityNumber ?? 0;
  if (severityNumber < 0 || severityNumber > 24) throw new Error(`severityNumber ${severityNumber} is outside 0..24`);
  return {
    timeUnixNano: longText(r.timeUnixNano),
    observedTimeUnixNano: longText(r.observedTimeUnixNano),
    severityNumber,
    severityText: r.severityText ?? "",
    body: r.body ? anyValue(r.body) : null,
    attributes: keyValues(r.attributes),
    droppedAttributesCount: r.droppedAttributesCount ?? 0,
    flags: r.flags ?? 0,
    traceId: hex(r.traceId, 16),
    spanId: hex(r.spanId, 8),
  };
}

export function decodeOtlpProtobuf(bytes: Uint8Array, rejected: RejectedRecord[]): ExportLogsServiceRequest {
  if (bytes.length === 0) throw new OtlpDecodeError("empty_payload", "payload is empty");
  let message: PbRequest;
  try {
    message = RequestType.decode(bytes);
  } catch (err) {
    throw new OtlpDecodeError("invalid_protobuf", `invalid protobuf ExportLogsServiceRequest: ${(err as Error).message}`);
  }
  return {
    resourceLogs: (message.resourceLogs ?? []).map((rl, r) => ({
      resource: {
        attributes: keyValues(rl.resource?.attributes),
        droppedAttributesCount: rl.resource?.droppedAttributesCount ?? 0,
      },
      scopeLogs: (rl.scopeLogs ?? []).map((sl, s) => {
        const logRecords: LogRecord[] = [];
        (sl.logRecords ?? []).forEach((lr, l) => {
          try {
            logRecords.push(logRecord(lr));
          } catch (err) {
            rejected.push({
              path: `resourceLogs[${r}].scopeLogs[${s}].logRecords[${l}]`,
              reason: (err as Error).message,
              payload: JSON.stringify(lr),
            });
          }
        });
        return {
          scope: {
            name: sl.scope?.name ?? "",
            version: sl.scope?.version ?? "",
            attributes: keyValues(sl.scope?.attributes),
            droppedAttributesCount: sl.scope?.droppedAttributesCount ?? 0,
          },
          logRecords,
          schemaUrl: sl.schemaUrl ?? "",
        };
      }),
      schemaUrl: rl.schemaUrl ?? "",
    })),
  };
}
