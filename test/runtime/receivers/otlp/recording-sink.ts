import { resolve } from "node:path";
import protobuf from "protobufjs";
import { OtlpDecodeError } from "../../../../runtime/bridge/decode/decode-error";
import type { OtlpEncoding, OtlpExportResult, OtlpLogsSink } from "../../../../runtime/receivers/otlp";
import { sharedPath } from "../../../support/shared";

/** The upstream OTLP protos from the workspace (tests only; the product never reads ../shared). */
const protoRoot = sharedPath("otlp-proto");

function loadRequestType(): protobuf.Type {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => resolve(protoRoot, target);
  root.loadSync("opentelemetry/proto/collector/logs/v1/logs_service.proto", { keepCase: false });
  return root.lookupType("opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest");
}

export interface ReceivedRecord {
  body: string;
  service: string;
  source: string;
  encoding: OtlpEncoding;
}

interface PlainRequest {
  resourceLogs?: {
    resource?: { attributes?: { key: string; value: { stringValue?: string } }[] };
    scopeLogs?: { logRecords?: { body?: { stringValue?: string } }[] }[];
  }[];
}

/** A sink that decodes with the reference protos and records every log body; it rejects bodies equal to "reject me". */
export class RecordingSink implements OtlpLogsSink {
  readonly records: ReceivedRecord[] = [];
  private readonly requestType = loadRequestType();
  failWith: Error | null = null;

  async export(payload: Uint8Array, encoding: OtlpEncoding, source: string): Promise<OtlpExportResult> {
    if (this.failWith) throw this.failWith;
    let request: PlainRequest;
    try {
      request =
        encoding === "json"
          ? (JSON.parse(Buffer.from(payload).toString("utf8")) as PlainRequest)
          : (this.requestType.toObject(this.requestType.decode(payload), { longs: String, arrays: true }) as PlainRequest);
    } catch (err) {
      throw new OtlpDecodeError(encoding === "json" ? "invalid_json" : "invalid_protobuf", `cannot decode ${encoding}: ${(err as Error).message}`);
    }
    if (typeof request !== "object" || request === null || !Array.isArray(request.resourceLogs)) {
      throw new OtlpDecodeError("invalid_structure", "resourceLogs is missing");
    }
    let accepted = 0;
    let rejected = 0;
    for (const rl of request.resourceLogs) {
      const service = rl.resource?.attributes?.find((a) => a.key === "service.name")?.value.stringValue ?? "unknown";
      for (const sl of rl.scopeLogs ?? []) {
        for (const record of sl.logRecords ?? []) {
          const body = record.body?.stringValue ?? "";
          if (body === "reject me") {
            rejected += 1;
            continue;
          }
          accepted += 1;
          this.records.push({ body, service, source, encoding });
        }
      }
    }
    return rejected > 0 ? { accepted, rejected, errorMessage: `${rejected} record(s) rejected` } : { accepted, rejected };
  }
}
