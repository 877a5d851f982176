import { describe, expect, it } from "vitest";
import type { SpanDocument } from "../../../contracts/records";
import { waterfallOrder } from "../../../runtime/api/waterfall";

const span = (spanId: string, parent: string | null, startMs: number): SpanDocument => ({
  id: `t-${spanId}`,
  "@timestamp": new Date(startMs).toISOString(),
  tenant_id: "acme",
  service: "svc",
  trace_id: "t",
  span_id: spanId,
  parent_span_id: parent,
  name: spanId,
  kind: "internal",
  start_ms: startMs,
  end_ms: startMs + 1,
  duration_ms: 1,
  status: "unset",
  status_message: "",
  peer: null,
  attributes: {},
  resource: {},
});

describe("waterfallOrder", () => {
  it("puts each span after its parent, siblings by start, even when parent and child start together", () => {
    const order = waterfallOrder([span("c2", "root", 5), span("c1", "root", 0), span("g", "c1", 1), span("root", null, 0)]);
    expect(order.map((s) => s.span_id)).toEqual(["root", "c1", "g", "c2"]);
  });

  it("draws a span whose parent is missing as a root, and keeps spans caught in a parent cycle", () => {
    const order = waterfallOrder([span("orphan", "gone", 3), span("a", "b", 1), span("b", "a", 2), span("self", "self", 0)]);
    expect(order.map((s) => s.span_id)).toEqual(["self", "orphan", "a", "b"]);
  });
});
