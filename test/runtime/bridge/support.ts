import { BridgePipeline, type BatchResult, type DetectionTuningInput } from "../../../runtime/bridge";
import { createTemplateMiner } from "../../../runtime/bridge/template";
import type { IncidentEvent } from "../../../contracts/records";

export const T0 = Date.UTC(2026, 0, 5, 8, 0, 0);

export interface TestLog {
  service: string;
  at: number;
  severity?: number;
  body: string;
  attrs?: Record<string, string | number>;
  traceId?: string;
  spanId?: string;
}

/** One OTLP/JSON ExportLogsServiceRequest holding the logs, grouped by service like a collector batch. */
export function otlp(logs: readonly TestLog[]): string {
  const byService = new Map<string, TestLog[]>();
  for (const l of logs) byService.set(l.service, [...(byService.get(l.service) ?? []), l]);
  return JSON.stringify({
    resourceLogs: [...byService].map(([service, ls]) => ({
      resource: { attributes: [{ key: "service.name", value: { stringValue: service } }] },
      scopeLogs: [
        {
          scope: { name: "test" },
          logRecords: ls.map((l) => ({
            timeUnixNano: `${l.at}000000`,
            severityNumber: l.severity ?? 9,
            body: { stringValue: l.body },
            attributes: Object.entries(l.attrs ?? {}).map(([key, v]) => ({
              key,
              value: typeof v === "number" ? { intValue: String(v) } : { stringValue: v },
            })),
            ...(l.traceId ? { traceId: l.traceId } : {}),
            ...(l.spanId ? { spanId: l.spanId } : {}),
          })),
        },
      ],
    })),
  });
}

/** Deterministic steady traffic: `perSecond` lines per second, every `errorEvery`-th an error line. */
export function traffic(
  service: string,
  fromMs: number,
  toMs: number,
  perSecond: number,
  options: { errorEvery?: number; errorBody?: (i: number) => string; body?: (i: number) => string; attrs?: Record<string, string | number> } = {},
): TestLog[] {
  const out: TestLog[] = [];
  const step = 1000 / perSecond;
  let i = 0;
  for (let t = fromMs; t < toMs; t += step, i++) {
    const error = options.errorEvery !== undefined && i % options.errorEvery === options.errorEvery - 1;
    out.push({
      service,
      at: Math.round(t),
      severity: error ? 17 : 9,
      body: error ? (options.errorBody ?? ((n) => `request ${n} failed`))(i) : (options.body ?? ((n) => `handled request ${n} in 12ms`))(i),
      attrs: options.attrs,
    });
  }
  return out;
}

export function pipeline(tuning?: DetectionTuningInput): BridgePipeline {
  return new BridgePipeline({ tenantId: "acme", miner: createTemplateMiner(), tuning });
}

/** Feeds logs in one-second batches (sorted by time), then flushes; returns every incident event. */
export function run(p: BridgePipeline, logs: readonly TestLog[], flush = true): { events: IncidentEvent[]; results: BatchResult[] } {
  const sorted = [...logs].sort((a, b) => a.at - b.at);
  const results: BatchResult[] = [];
  let batch: TestLog[] = [];
  let second = sorted.length > 0 ? Math.floor(sorted[0].at / 1000) : 0;
  for (const l of sorted) {
    if (Math.floor(l.at / 1000) !== second && batch.length > 0) {
      results.push(p.processOtlp(otlp(batch), "json", "test"));
      batch = [];
    }
    second = Math.floor(l.at / 1000);
    batch.push(l);
  }
  if (batch.length > 0) results.push(p.processOtlp(otlp(batch), "json", "test"));
  if (flush) results.push(p.flush());
  return { events: results.flatMap((r) => r.incidentEvents), results };
}

export const opened = (events: readonly IncidentEvent[]) => events.filter((e) => e.type === "opened").map((e) => e.incident);
