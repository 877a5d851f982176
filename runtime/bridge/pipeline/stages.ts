import { Correlator } from "../correlate";
import type { Resource } from "../decode";
import { detectionTuningSchema, SpanDetector, SpanHandover, WindowDetector, type DetectionTuning, type SpanOwnershipView } from "../detect";
import { evidenceLimits, IncidentManager } from "../lifecycle";
// From their modules, not the folder's index: each call through a re-export pays a getter, and these run per record.
import { createResourceContexts, normalizeFields, type NormalizedRecord, type RecordFields, type ResourceContext } from "../normalize/normalize";
import type { TimeAdjustment } from "../normalize";
import type { SpanDocument } from "../spans/span-document";
import { createRedactor, DEFAULT_REDACTION, type Redactor } from "../redact";
import { messageAfterPreamble } from "../template/preamble";
import type { TemplateMiner } from "../template/types";
import { EventClock, OpenWindows } from "../window";
import { PIPELINE_STATE_VERSION, type PipelineState } from "./state";
import type { BridgePipelineOptions } from "./types";

/** The stages of one pipeline, each holding its own part of the state. */
export interface Stages {
  tenantId: string;
  tuning: DetectionTuning;
  redactor: Redactor;
  resourceContexts: (resource: Resource) => ResourceContext;
  miner: TemplateMiner;
  clock: EventClock;
  spans: SpanDetector;
  windows: OpenWindows;
  detector: WindowDetector;
  correlator: Correlator;
  incidents: IncidentManager;
  /** Span detections this pipeline hands to the owner of their root, and those handed to it. */
  handover: SpanHandover;
  ownership: SpanOwnershipView;
}

/** Builds a pipeline's stages from its options and, on restart, from its checkpoint. */
export function createStages(options: BridgePipelineOptions, state?: PipelineState): Stages {
  const tuning = detectionTuningSchema.parse(options.tuning ?? {});
  const redactor = createRedactor(options.redaction ?? DEFAULT_REDACTION);
  const clockState = state && { maxEventMs: state.maxEventMs, closedThrough: state.closedThrough, lastReceivedMs: state.lastReceivedMs ?? null, lateness: state.lateness };
  const spans = new SpanDetector({ windowMs: tuning.windowMs, alpha: tuning.spanAlpha, maxTraces: tuning.maxTraces, maxTraceIds: tuning.maxTraceIds });
  const detector = new WindowDetector(tuning, state?.history);
  const correlator = new Correlator(options.tenantId, tuning, state?.graph);
  const incidents = new IncidentManager(options.tenantId, evidenceLimits(tuning), state?.incidents ?? [], options.dismissals);
  return {
    tenantId: options.tenantId,
    tuning,
    redactor,
    resourceContexts: createResourceContexts(options.tenantId, redactor),
    miner: options.miner,
    clock: new EventClock(tuning, clockState),
    spans,
    windows: new OpenWindows(tuning.windowMs, () => spans.openWindows(), state?.windows),
    detector,
    correlator,
    incidents,
    handover: new SpanHandover(),
    ownership: {
      owns: (service) => detector.owns(service),
      hasLogged: (service) => correlator.hasLogged(service),
      hasOpenIncident: (service) => incidents.openFor(service) !== undefined,
      joins: (d) => incidents.joins(d),
    },
  };
}

/** The checkpoint of a pipeline's stages (`PipelineState`). */
export function stagesState(s: Stages): PipelineState {
  return {
    version: PIPELINE_STATE_VERSION,
    tenantId: s.tenantId,
    ...s.clock.exportState(),
    windows: s.windows.exportState(),
    history: s.detector.exportState(),
    graph: s.correlator.exportState(),
    incidents: s.incidents.exportState(),
    miner: s.miner.exportState(),
  };
}

/**
 * One record through normalize (redaction, its event time bounded around `receivedMs`) and the
 * template miner. A body collected from a file or a console keeps its logger's header (time stamp,
 * level, thread, logger): the miner sees only the message after it, so the template is the
 * statement's, not the header's; the document keeps the whole body.
 */
export function prepareRecord(s: Stages, ctx: ResourceContext, scopeName: string, record: RecordFields, receivedMs: number | undefined): NormalizedRecord {
  const { referenceMs, bounds } = s.clock.referenceFor(receivedMs, record);
  const normalized = normalizeFields(ctx, scopeName, record, s.redactor, referenceMs, bounds);
  const mined = s.miner.add(messageAfterPreamble(normalized.document.message));
  normalized.document.template_id = mined.id;
  normalized.document.template = mined.template;
  return normalized;
}

/**
 * One span made ready to store and score: its attributes, resource, name and status message
 * redacted like a log record's (spans carry URLs, queries and user ids too), and its event time:
 * its end, believed within the same bounds as a record's time (around its received time, or in
 * replay around event time so far). A span placed elsewhere gets that time as its `@timestamp`
 * (which names its daily index); its own start and end stay as sent. Returns the event time.
 */
export function prepareSpan(s: Stages, doc: SpanDocument, receivedMs: number | undefined, adjustments: Record<TimeAdjustment, number>): number {
  s.redactor.attributes(doc.attributes);
  // Spans of one resource share its (already flattened) resource object: redacting it again is a no-op.
  s.redactor.attributes(doc.resource);
  doc.name = s.redactor.text(doc.name).value;
  if (doc.status_message !== "") doc.status_message = s.redactor.text(doc.status_message).value;
  s.clock.received(receivedMs);
  const timeMs = s.clock.boundSpanTime(doc.end_ms, receivedMs, adjustments);
  if (timeMs !== doc.end_ms) doc["@timestamp"] = new Date(Math.floor(timeMs)).toISOString();
  return timeMs;
}
