import { resolve } from "node:path";
import protobuf from "protobufjs";
import { OtlpDecodeError } from "../../../../runtime/bridge/decode/decode-error";
import type { OtlpEncoding, OtlpExportResult, OtlpSignal, OtlpSink } from "../../../../runtime/receivers/otlp";
import { sharedPath } from "../../../support/shared";

/** The upstream OTLP protos from the workspace (tests only; the product never reads ../shared). */
const protoRoot = sharedPath("otlp-proto");

function loadRequestTypes(): Record<OtlpSignal, protobuf.Type> {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => resolve(protoRoot, target);
  root.loadSync(["opentelemetry/proto/collector/logs/v1/logs_service.proto", "opentelemetry/proto/collector/trace/v1/trace_service.proto"], { keepCase: false });
  return {
    logs: root.lookupType("opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest"),
    traces: root.lookupType("opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest"),
  };
}

/** One log record (its body) or one span (its name), as the sink received it. */
export interface ReceivedRecord {
  signal: OtlpSignal;
  body: string;
  service: string;
  source: string;
  encoding: OtlpEncoding;
}

type Resource = { attributes?: { key: string; value: { stringValue?: string } }[] };
interface PlainRequest {
  resourceLogs?: { resource?: Resource; scopeLogs?: { logRecords?: { body?: { stringValue?: string } }[] }[] }[];
  resourceSpans?: { resource?: Resource; scopeSpans?: { spans?: { name?: string }[] }[] }[];
}

/** The request's records as (service, text) pairs: log bodies or span names. */
function recordsOf(signal: OtlpSignal, request: PlainRequest): { service: string; text: string }[] {
  const serviceOf = (r?: Resource) => r?.attributes?.find((a) => a.key === "service.name")?.value.stringValue ?? "unknown";
  if (signal === "logs") {
    if (!Array.isArray(request.resourceLogs)) throw new OtlpDecodeError("invalid_structure", "resourceLogs is missing");
    return request.resourceLogs.flatMap((rl) => (rl.scopeLogs ?? []).flatMap((sl) => (sl.logRecords ?? []).map((r) => ({ service: serviceOf(rl.resource), text: r.body?.stringValue ?? "" }))));
  }
  if (!Array.isArray(request.resourceSpans)) throw new OtlpDecodeError("invalid_structure", "resourceSpans is missing");
  return request.resourceSpans.flatMap((rs) => (rs.scopeSpans ?? []).flatMap((ss) => (ss.spans ?? []).map((s) => ({ service: serviceOf(rs.resource), text: s.name ?? "" }))));
}

/**
 * A sink that decodes with the reference protos and records every log body and span name; it
 * rejects records whose body or name is "reject me".
 */
export class RecordingSink implements OtlpSink {
  readonly records: ReceivedRecord[] = [];
  private readonly requestTypes = loadRequestTypes();
  failWith: Error | null = null;

  async export(signal: OtlpSignal, payload: Uint8Array, encoding: OtlpEncoding, source: string): Promise<OtlpExportResult> {
    if (this.failWith) throw this.failWith;
    let request: PlainRequest;
    try {
      const type = this.requestTypes[signal];
      request =
        encoding === "json"
          ? (JSON.parse(Buffer.from(payload).toString("utf8")) as PlainRequest)
          : (type.toObject(type.decode(payload), { longs: String, arrays: true }) as PlainRequest);
    } catch (err) {
      throw new OtlpDecodeError(encoding === "json" ? "invalid_json" : "invalid_protobuf", `cannot decode ${encoding}: ${(err as Error).message}`);
    }
    if (typeof request !== "object" || request === null) throw new OtlpDecodeError("invalid_structure", "request is not an object");
    let accepted = 0;
    let rejected = 0;
    for (const { service, text } of recordsOf(signal, request)) {
      if (text === "reject me") {
        rejected += 1;
        continue;
      }
      accepted += 1;
      this.records.push({ signal, body: text, service, source, encoding });
    }
    return rejected > 0 ? { accepted, rejected, errorMessage: `${rejected} record(s) rejected` } : { accepted, rejected };
  }
}
