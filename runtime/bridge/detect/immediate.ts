import type { LogDocument, Signal } from "../../../contracts/records";
import type { Detection } from "./detection";
import type { RecordAssessment } from "./record-signals";
import { round, timelineEntryOf } from "./window";

/**
 * The immediate path: one record that alone means a failure (an OOM kill, a crash). A record that
 * relays its peer's exhaustion (e.g. gRPC RESOURCE_EXHAUSTED from a callee) blames that peer when it
 * is a known service (`knownPeer`).
 */
export function immediateDetection(doc: LogDocument, a: RecordAssessment, timeMs: number, knownPeer: string | null): Detection {
  const root = knownPeer ?? doc.service;
  const signals: Signal[] = [{ name: `family_${a.family}`, weight: round(a.weight), phrase: a.phrase, immediate: true }];
  if (a.stackTrace) signals.push({ name: "stack_trace", weight: 0.05 });
  if (doc.http_status !== null && doc.http_status >= 500) signals.push({ name: "http_5xx", weight: 0.05, status: doc.http_status });
  return {
    path: "immediate",
    service: doc.service,
    rootCauseService: root,
    affectedServices: root === doc.service ? [] : [doc.service],
    family: a.family ?? "crash",
    templateId: doc.template_id,
    template: doc.template,
    score: Math.min(1, a.weight),
    signals,
    firstSeenMs: timeMs,
    detectedAtMs: timeMs,
    lastSeenMs: timeMs,
    traceIds: doc.trace_id ? [doc.trace_id] : [],
    sampleLogIds: [doc.id],
    timeline: [timelineEntryOf(doc)],
    templateIds: [doc.template_id],
  };
}
