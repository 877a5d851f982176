// eslint-disable-next-line @typescript-eslint/no-require-imports
const generated = require("@opentelemetry/otlp-transformer/build/src/generated/root") as {
  opentelemetry: { proto: { collector: { trace: { v1: { ExportTraceServiceRequest: { encode(m: unknown): { finish(): Uint8Array }; fromObject(o: unknown): unknown } } } } } };
};

/**
 * Synthetic OTLP trace requests for span tests: gateway -> orders (-> stock) calls whose latency each
 * test shapes, as OTLP/JSON `ExportTraceServiceRequest` objects.
 */

export const T0 = Date.parse("2026-01-05T08:00:00Z");
let counter = 0;
export const hex = (n: number, len: number) => n.toString(16).padStart(len, "0");

export interface SpanSpec {
  service: string;
  name: string;
  startMs: number;
  endMs: number;
  traceId: string;
  spanId: string;
  parent?: string;
  error?: boolean;
}

/** One request: gateway -> (client span) -> service B's server span, optionally B -> C. Times in ms. */
export function request(atMs: number, gapToB: number, bSelf: number, withC = true): SpanSpec[] {
  const traceId = hex(++counter, 32);
  const id = () => hex(++counter, 16);
  const root = id();
  const client = id();
  const server = id();
  const bClient = id();
  const cServer = id();
  const cDur = 3;
  const bDur = bSelf + (withC ? cDur + 1 : 0);
  const spans: SpanSpec[] = [
    { service: "gateway", name: "GET /api", startMs: atMs, endMs: atMs + bDur + gapToB + 2, traceId, spanId: root },
    { service: "gateway", name: "HTTP GET", startMs: atMs + 1, endMs: atMs + 1 + bDur + gapToB, traceId, spanId: client, parent: root },
    { service: "orders", name: "/orders", startMs: atMs + 1 + gapToB / 2, endMs: atMs + 1 + gapToB / 2 + bDur, traceId, spanId: server, parent: client },
  ];
  if (withC) {
    const s = atMs + 1 + gapToB / 2 + bSelf / 2;
    spans.push({ service: "orders", name: "HTTP POST", startMs: s, endMs: s + cDur + 1, traceId, spanId: bClient, parent: server });
    spans.push({ service: "stock", name: "/stock", startMs: s + 0.5, endMs: s + 0.5 + cDur, traceId, spanId: cServer, parent: bClient });
  }
  return spans;
}

export function toRequest(spans: SpanSpec[]): Record<string, unknown> {
  const by = new Map<string, SpanSpec[]>();
  for (const s of spans) by.set(s.service, [...(by.get(s.service) ?? []), s]);
  return {
    resourceSpans: [...by].map(([service, list]) => ({
      resource: { attributes: [{ key: "service.name", value: { stringValue: service } }] },
      scopeSpans: [
        {
          scope: { name: "test" },
          spans: list.map((s) => ({
            traceId: s.traceId,
            spanId: s.spanId,
            ...(s.parent ? { parentSpanId: s.parent } : {}),
            name: s.name,
            kind: s.parent ? 2 : 1,
            startTimeUnixNano: `${Math.round(s.startMs * 1e6)}`,
            endTimeUnixNano: `${Math.round(s.endMs * 1e6)}`,
            ...(s.error ? { status: { code: 2, message: "boom" } } : {}),
          })),
        },
      ],
    })),
  };
}

/** Deterministic jitter in [0, 1). */
export function jitter(i: number): number {
  const x = Math.sin(i * 12.9898) * 43758.5453;
  return x - Math.floor(x);
}

/** The same request in binary protobuf (ids as bytes, as the wire format has them). */
export function toProtobuf(spans: SpanSpec[]): Uint8Array {
  const pbObject = toRequest(spans) as { resourceSpans: { scopeSpans: { spans: Record<string, unknown>[] }[] }[] };
  for (const rs of pbObject.resourceSpans)
    for (const ss of rs.scopeSpans)
      for (const s of ss.spans)
        for (const k of ["traceId", "spanId", "parentSpanId"]) if (typeof s[k] === "string") s[k] = Buffer.from(s[k] as string, "hex");
  const Type = generated.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
  return Type.encode(Type.fromObject(pbObject)).finish();
}
