import type { FlatAttributes, SpanDocument } from "../../../contracts/records";

export type { SpanDocument } from "../../../contracts/records";
import type { ExportTraceServiceRequest, SpanKind } from "../decode/otlp-traces";
import { flattenAttributes } from "../normalize/attributes";

const KINDS: SpanDocument["kind"][] = ["unspecified", "internal", "server", "client", "producer", "consumer"];
const STATUSES: SpanDocument["status"][] = ["unset", "ok", "error"];

/** Nanoseconds (decimal string) to fractional milliseconds without losing sub-millisecond detail. */
export function nanosToMs(nanos: string): number {
  if (nanos.length <= 15) return Number(nanos) / 1e6;
  // Split so both parts stay exact in a double.
  return Number(nanos.slice(0, -6)) + Number(nanos.slice(-6)) / 1e6;
}

function stringAttr(attrs: FlatAttributes, key: string): string | null {
  const v = attrs[key];
  return typeof v === "string" && v !== "" ? v : null;
}

/** The decoded request's spans as documents of one tenant, resource attributes flattened once per resource. */
export function spanDocuments(request: ExportTraceServiceRequest, tenantId: string): SpanDocument[] {
  const out: SpanDocument[] = [];
  for (const rs of request.resourceSpans) {
    const resource = flattenAttributes(rs.resource.attributes);
    const service = stringAttr(resource, "service.name") ?? "unknown_service";
    for (const ss of rs.scopeSpans) {
      for (const s of ss.spans) {
        const attributes = flattenAttributes(s.attributes);
        const start = nanosToMs(s.startTimeUnixNano);
        const end = nanosToMs(s.endTimeUnixNano);
        const kind: SpanKind = s.kind;
        out.push({
          id: `${s.traceId}-${s.spanId}`,
          "@timestamp": new Date(Math.floor(end)).toISOString(),
          tenant_id: tenantId,
          service,
          trace_id: s.traceId,
          span_id: s.spanId,
          parent_span_id: s.parentSpanId === "" ? null : s.parentSpanId,
          name: s.name,
          kind: KINDS[kind],
          start_ms: start,
          end_ms: end,
          duration_ms: Math.max(0, end - start),
          status: STATUSES[s.status.code],
          status_message: s.status.message,
          peer: stringAttr(attributes, "peer.service") ?? stringAttr(attributes, "server.address") ?? stringAttr(attributes, "db.system"),
          attributes,
          resource,
        });
      }
    }
  }
  return out;
}
