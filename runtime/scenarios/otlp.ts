import type { Scenario, ScenarioLog, ScenarioSpan } from "./types";

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
  return flushBatches(logs, (l) => l.timeMs, flushMs).map((byService) => ({
    resourceLogs: [...byService].map(([service, list]) => ({
      resource: resourceOf(service),
      scopeLogs: [
        {
          scope: { name: "app" },
          logRecords: list.map((l) => ({
            timeUnixNano: `${l.timeMs}000000`,
            observedTimeUnixNano: `${l.timeMs + 3}000000`,
            severityNumber: l.severityNumber,
            severityText: l.severityText,
            body: { stringValue: l.body },
            attributes: Object.entries(l.attributes).map(([key, value]) => ({ key, value: anyValue(value) })),
            ...(l.traceId ? { traceId: l.traceId } : {}),
            ...(l.spanId ? { spanId: l.spanId } : {}),
          })),
        },
      ],
    })),
  }));
}

/** Time-ordered items cut into `flushMs` intervals of event time, each grouped by service in first-seen order. */
function flushBatches<T extends { service: string }>(items: readonly T[], timeOf: (item: T) => number, flushMs: number): Map<string, T[]>[] {
  const batches: Map<string, T[]>[] = [];
  let i = 0;
  while (i < items.length) {
    const batchEnd = (Math.floor(timeOf(items[i]) / flushMs) + 1) * flushMs;
    const byService = new Map<string, T[]>();
    for (; i < items.length && timeOf(items[i]) < batchEnd; i++) {
      const list = byService.get(items[i].service);
      if (list) list.push(items[i]);
      else byService.set(items[i].service, [items[i]]);
    }
    batches.push(byService);
  }
  return batches;
}

/** The same, as JSON lines (what the collector's Kafka exporter writes with `otlp_json`). */
export function toOtlpJsonLines(logs: readonly ScenarioLog[], flushMs = 1000): string[] {
  return toOtlpRequests(logs, flushMs).map((r) => JSON.stringify(r));
}

const SPAN_KIND = { server: 2, client: 3 } as const;

/**
 * Packs spans into OTLP/JSON `ExportTraceServiceRequest` objects, one per `flushMs` of event time by
 * end time (an SDK exports a span when it ends), grouped by resource (service).
 */
export function toOtlpTraceRequests(spans: readonly ScenarioSpan[], flushMs = 1000): Record<string, unknown>[] {
  return flushBatches(spans, (x) => x.endMs, flushMs).map((byService) => ({
    resourceSpans: [...byService].map(([service, list]) => ({
      resource: resourceOf(service),
      scopeSpans: [
        {
          scope: { name: "app" },
          spans: list.map((x) => ({
            traceId: x.traceId,
            spanId: x.spanId,
            ...(x.parentSpanId ? { parentSpanId: x.parentSpanId } : {}),
            name: x.name,
            kind: SPAN_KIND[x.kind],
            startTimeUnixNano: `${Math.round(x.startMs * 1000)}000`,
            endTimeUnixNano: `${Math.round(x.endMs * 1000)}000`,
            attributes: x.peer === null ? [] : [{ key: "peer.service", value: { stringValue: x.peer } }],
            status: x.error ? { code: 2 } : {},
          })),
        },
      ],
    })),
  }));
}

/**
 * A scenario's logs and spans as one stream of OTLP/JSON lines in event time (what `logclaw replay`
 * reads): per `flushMs`, the logs request, then the traces request.
 */
export function toScenarioJsonLines(scenario: Pick<Scenario, "logs" | "spans">, flushMs = 1000): string[] {
  const keyed: [number, number, string][] = [];
  for (const r of toOtlpRequests(scenario.logs, flushMs)) keyed.push([Math.floor(firstMs(r, "logs") / flushMs), 0, JSON.stringify(r)]);
  for (const r of toOtlpTraceRequests(scenario.spans, flushMs)) keyed.push([Math.floor(firstMs(r, "spans") / flushMs), 1, JSON.stringify(r)]);
  return keyed.sort((a, b) => a[0] - b[0] || a[1] - b[1]).map(([, , line]) => line);
}

/** Event time (ms) of a request's first record, or of its first span's end: the flush interval it belongs to. */
function firstMs(request: Record<string, unknown>, kind: "logs" | "spans"): number {
  if (kind === "logs") {
    const rl = (request.resourceLogs as { scopeLogs: { logRecords: { timeUnixNano: string }[] }[] }[])[0];
    return Number(rl.scopeLogs[0].logRecords[0].timeUnixNano.slice(0, -6));
  }
  const rs = (request.resourceSpans as { scopeSpans: { spans: { endTimeUnixNano: string }[] }[] }[])[0];
  return Number(rs.scopeSpans[0].spans[0].endTimeUnixNano.slice(0, -6));
}
