import { decodeOtlpLogs, readOtlpJsonLogs, rejectedRecord, type ExportLogsServiceRequest, type JsonLogsRequest, type OtlpDecodeError, type OtlpEncoding, type RejectedRecord } from "../decode";
// From their modules, not the folder's index: each call through a re-export pays a getter, and these run per record.
import { readJsonLogRecord } from "../normalize/json-record";
import { recordFields, type RecordFields, type ResourceContext } from "../normalize/normalize";
import type { Stages } from "./stages";

/** Takes one record as normalization reads it, with its resource's context and its scope's name. */
export type RecordVisitor = (ctx: ResourceContext, scopeName: string, record: RecordFields) => void;

/** Walks a request's records in order, handing each to `visit`, or a record that cannot be decoded to `reject`. */
export type RecordWalk = (visit: RecordVisitor, reject: (record: RejectedRecord) => void) => void;

/**
 * An OTLP logs payload's records. OTLP/JSON: the structure is checked up front (an unusable payload is
 * refused before any record is used), then each record is decoded as it is reached, so its document is
 * built straight from the parsed JSON; protobuf: the decoded request, with the records it rejected.
 */
export function readLogRecords(
  s: Stages,
  payload: Uint8Array | string,
  encoding: OtlpEncoding,
): { ok: true; records: RecordWalk; rejected: readonly RejectedRecord[] } | { ok: false; error: OtlpDecodeError } {
  if (encoding === "json") {
    const read = readOtlpJsonLogs(payload);
    return read.ok ? { ok: true, records: jsonRecords(s, read.request), rejected: [] } : read;
  }
  const decoded = decodeOtlpLogs(payload, encoding);
  return decoded.ok ? { ok: true, records: decodedRecords(s, decoded.request), rejected: decoded.rejected } : decoded;
}

// Indexed loops: per-record closures were a measurable share of the hot path.

/** The records of a decoded request (protobuf, or decoded up front). */
export function decodedRecords(s: Stages, request: ExportLogsServiceRequest): RecordWalk {
  return (visit) => {
    for (let ri = 0; ri < request.resourceLogs.length; ri++) {
      const rl = request.resourceLogs[ri];
      const ctx = s.resourceContexts(rl.resource);
      for (let si = 0; si < rl.scopeLogs.length; si++) {
        const sl = rl.scopeLogs[si];
        for (let li = 0; li < sl.logRecords.length; li++) visit(ctx, sl.scope.name, recordFields(sl.logRecords[li]));
      }
    }
  };
}

/** The records of a parsed OTLP/JSON request whose structure is checked: each is decoded as it is reached (decode and normalize fused). */
function jsonRecords(s: Stages, request: JsonLogsRequest): RecordWalk {
  return (visit, reject) => {
    for (let ri = 0; ri < request.resourceLogs.length; ri++) {
      const rl = request.resourceLogs[ri];
      const ctx = s.resourceContexts(rl.resource);
      for (let si = 0; si < rl.scopeLogs.length; si++) {
        const sl = rl.scopeLogs[si];
        for (let li = 0; li < sl.logRecords.length; li++) {
          let record: RecordFields;
          try {
            record = readJsonLogRecord(sl.logRecords[li]);
          } catch (err) {
            reject(rejectedRecord(sl, li, sl.logRecords[li], err));
            continue;
          }
          visit(ctx, sl.scope.name, record);
        }
      }
    }
  };
}
