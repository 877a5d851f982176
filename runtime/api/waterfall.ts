import type { SpanDocument } from "../../contracts/records";

/**
 * A trace's spans in waterfall order: depth first from the roots, siblings by start time, so each
 * span follows its parent even when both start in the same millisecond. A span whose parent is not
 * stored (not received yet, or cut by retention) is drawn as a root; a parent cycle in bad input
 * cannot hide a span or loop.
 */
export function waterfallOrder(spans: readonly SpanDocument[]): SpanDocument[] {
  const bySpanId = new Map(spans.map((s) => [s.span_id, s]));
  const children = new Map<string, SpanDocument[]>();
  const roots: SpanDocument[] = [];
  for (const span of spans) {
    const parent = span.parent_span_id;
    if (parent !== null && parent !== span.span_id && bySpanId.has(parent)) {
      const list = children.get(parent);
      if (list) list.push(span);
      else children.set(parent, [span]);
    } else roots.push(span);
  }
  const byStart = (a: SpanDocument, b: SpanDocument) => a.start_ms - b.start_ms || (a.span_id < b.span_id ? -1 : a.span_id > b.span_id ? 1 : 0);
  const out: SpanDocument[] = [];
  const seen = new Set<string>();
  const visit = (span: SpanDocument) => {
    if (seen.has(span.span_id)) return;
    seen.add(span.span_id);
    out.push(span);
    for (const child of (children.get(span.span_id) ?? []).sort(byStart)) visit(child);
  };
  for (const root of roots.sort(byStart)) visit(root);
  // Spans only reachable through a cycle have no root: keep them, in start order.
  for (const span of [...spans].sort(byStart)) visit(span);
  return out;
}
