import type { ScenarioLog } from "./types";

/** Attribute value in OTLP/JSON: integers as int64 strings (as the collector writes them), others typed. */
function anyValue(v: string | number | boolean): Record<string, unknown> {
  if (typeof v === "string") return { stringValue: v };
  if (typeof v === "boolean") return { boolValue: v };
  return Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v };
}

function resourceOf(service: string): Record<string, unknown> {
  let h = 0;
  for (const c of service) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return {
    attributes: [
      { key: "service.name", value: { stringValue: service } },
      { key: "service.namespace", value: { stringValue: "shop" } },
      { key: "service.version", value: { stringValue: "1.4.0" } },
      { key: "deployment.environment.name", value: { stringValue: "prod" } },
      { key: "k8s.pod.name", value: { stringValue: `${service}-${(h % 0xfffff).toString(16)}-x${h % 7}` } },
      { key: "host.name", value: { stringValue: `node-${h % 5}` } },
    ],
  };
}

/**
 * Packs logs into OTLP/JSON `ExportLogsServiceRequest` objects the way a collector's batch processor
 * does: one request per `flushMs` of event time, records grouped by resource (service) inside it. So
 * within a request, records are ordered by service first, not by time, exactly like real exports.
 */
export function toOtlpRequests(logs: readonly ScenarioLog[], flushMs = 1000): Record<string, unknown>[] {
  const requests: Record<string, unknown>[] = [];
  let i = 0;
  while (i < logs.length) {
    const batchEnd = (Math.floor(logs[i].timeMs / flushMs) + 1) * flushMs;
    const byService = new Map<string, Record<string, unknown>[]>();
    for (; i < logs.length && logs[i].timeMs < batchEnd; i++) {
      const l = logs[i];
      const records = byService.get(l.service) ?? [];
      byService.set(l.service, records);
      const record: Record<string, unknown> = {
        timeUnixNano: `${l.timeMs}000000`,
        observedTimeUnixNano: `${l.timeMs + 3}000000`,
        severityNumber: l.severityNumber,
        severityText: l.severityText,
        body: { stringValue: l.body },
        attributes: Object.entries(l.attributes).map(([key, value]) => ({ key, value: anyValue(value) })),
      };
      if (l.traceId) record.traceId = l.traceId;
      if (l.spanId) record.spanId = l.spanId;
      records.push(record);
    }
    requests.push({
      resourceLogs: [...byService].map(([service, logRecords]) => ({
        resource: resourceOf(service),
        scopeLogs: [{ scope: { name: "app" }, logRecords }],
      })),
    });
  }
  return requests;
}

/** The same, as JSON lines (what the collector's Kafka exporter writes with `otlp_json`). */
export function toOtlpJsonLines(logs: readonly ScenarioLog[], flushMs = 1000): string[] {
  return toOtlpRequests(logs, flushMs).map((r) => JSON.stringify(r));
}
