import type { LogDocument, Signal } from "../../../contracts/records";
import { decodeOtlpLogs, type ExportLogsServiceRequest, type OtlpEncoding, type RejectedRecord, type ResourceLogs } from "../decode";
import { CallGraph, blastRadius, findRootCause, parentSpanOf, peerOf, TraceIndex, type PropagationView } from "../correlate";
import { assessRecord, type RecordAssessment } from "../detect/record-signals";
import {
  addToWindow,
  compositeScore,
  evaluateWindow,
  newServiceHistory,
  newServiceWindow,
  timelineEntryOf,
  type ServiceHistory,
  type ServiceWindow,
  type WindowFinding,
} from "../detect/window";
import { IncidentManager, type Detection } from "../lifecycle";
import { decodeOtlpTraces } from "../decode/otlp-traces";
import { SpanDetector } from "../detect/span-detector";
import { spanDocuments } from "../spans/span-document";
import {
  boundsViolation,
  createResourceContexts,
  nanosToMs,
  normalizeRecord,
  type EventTimeBounds,
  type NormalizedRecord,
  type ResourceContext,
} from "../normalize";
import { createRedactor, DEFAULT_REDACTION, type RedactionConfig, type Redactor } from "../redact";
import type { TemplateMiner } from "../template/types";
import { PIPELINE_STATE_VERSION, pipelineStateSchema, type PipelineState } from "./state";
import { detectionTuningSchema, type DetectionTuning, type DetectionTuningInput } from "../detect/tuning";
import type { BatchResult, ContextSummary } from "./types";

export interface BridgePipelineOptions {
  tenantId: string;
  /** The tenant file's `redaction` section; default: enabled with the default rules. */
  redaction?: RedactionConfig;
  /** The online template miner (`createTemplateMiner()`, or `restoreTemplateMiner(state.miner)` on restart). */
  miner: TemplateMiner;
  tuning?: DetectionTuningInput;
}

const BLAST_RADIUS_WEIGHT = 0.1;
const MAX_PENDING_SUMMARIES = 360;

/**
 * The detection core: decode -> normalize -> redact -> template -> score -> correlate -> incident
 * lifecycle, driven only by the records' own timestamps. Same input, same output.
 */
export class BridgePipeline {
  private readonly tenantId: string;
  private readonly tuning: DetectionTuning;
  private readonly redactor: Redactor;
  private readonly resourceContexts: (rl: ResourceLogs) => ResourceContext;
  private readonly miner: TemplateMiner;
  private readonly graph = new CallGraph();
  private readonly traces: TraceIndex;
  private readonly incidents: IncidentManager;
  /** Open windows: window index -> service -> accumulator. */
  private windows = new Map<number, Map<string, ServiceWindow>>();
  private readonly history = new Map<string, ServiceHistory>();
  /** Failing services reported by other replicas, by window index. */
  private readonly remoteFailing = new Map<number, Set<string>>();
  private readonly summaries: ContextSummary[] = [];
  private pendingEdges = new Map<string, number>();
  private readonly spans: SpanDetector;
  private maxEventMs: number | null = null;
  private closedThrough: number | null = null;
  /** Received (wall) time of the latest live request: `tick` advances event time from it. */
  private lastReceivedMs: number | null = null;
  private readonly bounds: EventTimeBounds;
  /** Replay without received times: a forward jump up to the look-back bound is a gap in the data, not skew. */
  private readonly replayBounds: EventTimeBounds;

  constructor(options: BridgePipelineOptions, state?: PipelineState) {
    this.tenantId = options.tenantId;
    this.tuning = detectionTuningSchema.parse(options.tuning ?? {});
    this.redactor = createRedactor(options.redaction ?? DEFAULT_REDACTION);
    this.resourceContexts = createResourceContexts(this.tenantId, this.redactor);
    this.miner = options.miner;
    this.traces = new TraceIndex(this.tuning.maxTraces);
    this.bounds = { maxAheadMs: this.tuning.maxEventAheadMs, maxBehindMs: this.tuning.maxEventBehindMs };
    this.replayBounds = { maxAheadMs: this.tuning.maxEventBehindMs, maxBehindMs: this.tuning.maxEventBehindMs };
    const limits = {
      quietMs: this.tuning.quietMs,
      rerootMs: 3 * this.tuning.windowMs,
      activeMs: 3 * this.tuning.windowMs,
      cooldownMs: this.tuning.cooldownMs,
      maxTimeline: this.tuning.maxTimeline,
      maxSamples: this.tuning.maxSamples,
      maxTraceIds: this.tuning.maxTraceIds,
    };
    this.incidents = new IncidentManager(this.tenantId, limits, state?.incidents ?? []);
    this.spans = new SpanDetector({
      windowMs: this.tuning.windowMs,
      alpha: this.tuning.spanAlpha,
      maxTraces: this.tuning.maxTraces,
      maxTraceIds: this.tuning.maxTraceIds,
    });
    if (state) this.load(state);
  }

  /**
   * Rebuilds a pipeline from `exportState()` output (validated). Pass the miner restored from the
   * same checkpoint (`restoreTemplateMiner(state.miner)`), so template ids stay the same.
   */
  static restore(options: BridgePipelineOptions, state: unknown): BridgePipeline {
    return new BridgePipeline(options, pipelineStateSchema.parse(state));
  }

  /**
   * `receivedMs` is when the payload was received (wall clock, or the Kafka record's timestamp); each
   * record's event time is believed only within the tuning's bounds around it. Without it (replay),
   * a record's observed time, else the previous record's time, stands in, so a replay is deterministic.
   */
  processOtlp(payload: Uint8Array | string, encoding: OtlpEncoding, source: string, receivedMs?: number): BatchResult {
    const decoded = decodeOtlpLogs(payload, encoding);
    if (!decoded.ok) {
      const result = emptyResult();
      result.rejected = 1;
      const text = typeof payload === "string" ? payload : Buffer.from(payload).toString("base64");
      result.rejections.push({ reason: `${decoded.error.reason}: ${decoded.error.message}`, source, payload: text });
      return result;
    }
    return this.processRequest(decoded.request, source, decoded.rejected, receivedMs);
  }

  /** Processes a decoded request; `rejected` are records the decoder skipped (they become dead letters). */
  processRequest(request: ExportLogsServiceRequest, source: string, rejected: readonly RejectedRecord[] = [], receivedMs?: number): BatchResult {
    const result = emptyResult();
    if (receivedMs !== undefined) this.lastReceivedMs = Math.max(this.lastReceivedMs ?? receivedMs, receivedMs);
    for (const r of rejected) {
      result.rejected += 1;
      result.rejections.push({ reason: `invalid_record: ${r.reason}`, source: `${source} ${r.path}`, payload: r.payload });
    }
    // Indexed loops: per-record closures were a measurable share of the hot path.
    const resourceLogs = request.resourceLogs;
    for (let ri = 0; ri < resourceLogs.length; ri++) {
      const rl = resourceLogs[ri];
      const ctx = this.resourceContexts(rl);
      for (let si = 0; si < rl.scopeLogs.length; si++) {
        const sl = rl.scopeLogs[si];
        const records = sl.logRecords;
        for (let li = 0; li < records.length; li++) {
          const record = records[li];
          let normalized: NormalizedRecord;
          if (receivedMs !== undefined) normalized = normalizeRecord(ctx, sl, record, this.redactor, receivedMs, this.bounds);
          else {
            const observed = nanosToMs(record.observedTimeUnixNano);
            const stand = observed ?? this.maxEventMs ?? nanosToMs(record.timeUnixNano) ?? 0;
            normalized = normalizeRecord(ctx, sl, record, this.redactor, stand, observed === null && this.maxEventMs !== null ? this.replayBounds : this.bounds);
          }
          if (normalized.timeAdjustment !== null) result.timeAdjustments[normalized.timeAdjustment] += 1;
          const doc = normalized.document;
          const mined = this.miner.add(doc.message);
          doc.template_id = mined.id;
          doc.template = mined.template;
          this.processDocument(doc, normalized.timeMs, result);
          result.documents.push(doc);
          result.accepted += 1;
        }
      }
    }
    return result;
  }

  /**
   * An OTLP traces payload: spans become documents (for the span store) and feed the span signals in
   * the same event-time windows as logs; their end times advance event time like log timestamps.
   */
  processTraces(payload: Uint8Array | string, encoding: OtlpEncoding, source: string, receivedMs?: number): BatchResult {
    const result = emptyResult();
    if (receivedMs !== undefined) this.lastReceivedMs = Math.max(this.lastReceivedMs ?? receivedMs, receivedMs);
    const decoded = decodeOtlpTraces(payload, encoding);
    if (!decoded.ok) {
      result.rejected = 1;
      const text = typeof payload === "string" ? payload : Buffer.from(payload).toString("base64");
      result.rejections.push({ reason: `${decoded.error.reason}: ${decoded.error.message}`, source, payload: text });
      return result;
    }
    for (const r of decoded.rejected) {
      result.rejected += 1;
      result.rejections.push({ reason: `invalid_span: ${r.reason}`, source: `${source} ${r.path}`, payload: r.payload });
    }
    for (const doc of spanDocuments(decoded.request, this.tenantId)) {
      this.spans.add(doc, this.windowFor(this.boundSpanTime(doc.end_ms, receivedMs, result), result));
      (result.spans ??= []).push(doc);
      result.accepted += 1;
    }
    return result;
  }

  /**
   * A span's end time is believed within the same bounds as a log record's (around its received time,
   * or in replay around event time so far), so one span dated 2100 cannot move the clock for good.
   */
  private boundSpanTime(endMs: number, receivedMs: number | undefined, result: BatchResult): number {
    const reference = receivedMs ?? this.maxEventMs;
    if (reference === null) return endMs;
    const bounds = receivedMs === undefined ? this.replayBounds : this.bounds;
    const adjustment = Number.isFinite(endMs) ? boundsViolation(endMs, reference, bounds) : "invalid";
    if (adjustment === null) return endMs;
    result.timeAdjustments[adjustment] += 1;
    return reference;
  }

  /** End of input: closes every window that holds data, in event time. */
  flush(): BatchResult {
    const result = emptyResult();
    const open = [...this.windows.keys(), ...this.spans.openWindows()];
    if (open.length > 0) this.closeWindows(Math.max(...open), result);
    return result;
  }

  /**
   * Live mode: the wall clock moves event time on while no traffic arrives, so windows close and
   * incidents resolve without waiting for later records. Event time advances by the wall time elapsed
   * since the latest request was received; replays never call this.
   */
  tick(nowMs: number): BatchResult {
    const result = emptyResult();
    if (this.maxEventMs === null || this.lastReceivedMs === null || nowMs <= this.lastReceivedMs) return result;
    const eventNowMs = this.maxEventMs + (nowMs - this.lastReceivedMs);
    const lastClosable = Math.floor((eventNowMs - this.tuning.allowedLatenessMs) / this.tuning.windowMs) - 1;
    if (this.closedThrough === null || lastClosable > this.closedThrough) {
      this.closeWindows(lastClosable, result);
      result.incidentEvents.push(...this.incidents.resolveQuiet((lastClosable + 1) * this.tuning.windowMs));
    }
    return result;
  }

  /** Open incidents, oldest first. */
  openIncidents() {
    return this.incidents.open();
  }

  /** Summaries of windows closed since the last call, for other replicas. */
  takeContextSummaries(): ContextSummary[] {
    return this.summaries.splice(0, this.summaries.length);
  }

  /** Folds another replica's window summary in: its call-graph edges, services and failing services. */
  applyContextSummary(summary: ContextSummary): void {
    if (summary.tenantId !== this.tenantId) return;
    for (const s of summary.services) this.graph.addService(s);
    for (const [caller, callee, n] of summary.edges) this.graph.addEdge(caller, callee, n);
    const index = Math.floor(summary.windowStartMs / this.tuning.windowMs);
    if (this.closedThrough !== null && index <= this.closedThrough - 2) return;
    let set = this.remoteFailing.get(index);
    if (!set) this.remoteFailing.set(index, (set = new Set()));
    for (const f of summary.failing) set.add(f.service);
  }

  exportState(): PipelineState {
    return {
      version: PIPELINE_STATE_VERSION,
      tenantId: this.tenantId,
      maxEventMs: this.maxEventMs,
      closedThrough: this.closedThrough,
      lastReceivedMs: this.lastReceivedMs,
      windows: [...this.windows].map(([index, services]) => [index, Object.fromEntries(services)]),
      history: Object.fromEntries(this.history),
      graph: { services: this.graph.knownServices(), edges: this.graph.edgeList() },
      incidents: this.incidents.exportState(),
      miner: this.miner.exportState(),
    };
  }

  private load(state: PipelineState): void {
    this.maxEventMs = state.maxEventMs;
    this.closedThrough = state.closedThrough;
    this.lastReceivedMs = state.lastReceivedMs ?? null;
    this.windows = new Map(state.windows.map(([index, services]) => [index, new Map(Object.entries(services))]));
    for (const [service, h] of Object.entries(state.history)) this.history.set(service, h);
    for (const s of state.graph.services) this.graph.addService(s);
    for (const [caller, callee, n] of state.graph.edges) this.graph.addEdge(caller, callee, n);
  }

  private processDocument(doc: LogDocument, timeMs: number, result: BatchResult): void {
    const assessment = assessRecord(doc);
    const peer = this.learn(doc, assessment, timeMs);

    const index = this.windowFor(timeMs, result);
    let services = this.windows.get(index);
    if (!services) this.windows.set(index, (services = new Map()));
    let w = services.get(doc.service);
    if (!w) services.set(doc.service, (w = newServiceWindow()));
    addToWindow(w, doc, assessment, timeMs, peer !== null && this.graph.isKnown(peer) ? peer : null);
    if (!this.history.has(doc.service)) this.history.set(doc.service, newServiceHistory(timeMs));

    if (assessment.isError) this.incidents.evidence(timelineEntryOf(doc), timeMs);
    if (assessment.immediate) this.immediate(doc, assessment, timeMs, peer, result);
  }

  /**
   * Advances event time to `timeMs` (closing every window the watermark has passed) and returns the
   * window a record or span at `timeMs` belongs to; one later than the allowed lateness joins the
   * oldest open window instead of being lost.
   */
  private windowFor(timeMs: number, result: BatchResult): number {
    if (this.maxEventMs === null || timeMs > this.maxEventMs) {
      this.maxEventMs = timeMs;
      const lastClosable = Math.floor((timeMs - this.tuning.allowedLatenessMs) / this.tuning.windowMs) - 1;
      if (this.closedThrough === null) this.closedThrough = Math.floor(timeMs / this.tuning.windowMs) - 1;
      else if (lastClosable > this.closedThrough) this.closeWindows(lastClosable, result);
    }
    const index = Math.floor(timeMs / this.tuning.windowMs);
    return this.closedThrough !== null && index <= this.closedThrough ? this.closedThrough + 1 : index;
  }

  /** Learns services, call-graph edges and trace membership from one record; returns the peer it names. */
  private learn(doc: LogDocument, assessment: RecordAssessment, timeMs: number): string | null {
    if (!this.graph.isKnown(doc.service)) this.graph.addService(doc.service);
    const peer = peerOf(doc);
    if (peer !== null && !this.graph.hasEdge(doc.service, peer)) this.noteEdge(doc.service, peer);
    else if (peer !== null) this.graph.addEdge(doc.service, peer);
    if (doc.trace_id !== null) {
      const entry = this.traces.entry(doc.trace_id);
      if (doc.span_id !== null) entry.spans.set(doc.span_id, doc.service);
      const parent = parentSpanOf(doc);
      const parentService = parent === null ? undefined : entry.spans.get(parent);
      if (parentService !== undefined && parentService !== doc.service) {
        if (!this.graph.hasEdge(parentService, doc.service)) this.noteEdge(parentService, doc.service);
        else this.graph.addEdge(parentService, doc.service);
      }
      if (assessment.isError && !entry.firstError.has(doc.service)) entry.firstError.set(doc.service, timeMs);
    }
    return peer;
  }

  private noteEdge(caller: string, callee: string): void {
    this.graph.addEdge(caller, callee);
    const key = `${caller}\u0000${callee}`;
    this.pendingEdges.set(key, (this.pendingEdges.get(key) ?? 0) + 1);
  }

  private immediate(doc: LogDocument, a: RecordAssessment, timeMs: number, peer: string | null, result: BatchResult): void {
    // A record that relays its peer's exhaustion (e.g. gRPC RESOURCE_EXHAUSTED from a callee) blames the peer.
    const root = peer !== null && this.graph.isKnown(peer) ? peer : doc.service;
    const signals: Signal[] = [{ name: `family_${a.family}`, weight: round(a.weight), phrase: a.phrase, immediate: true }];
    if (a.stackTrace) signals.push({ name: "stack_trace", weight: 0.05 });
    if (doc.http_status !== null && doc.http_status >= 500) signals.push({ name: "http_5xx", weight: 0.05, status: doc.http_status });
    const detection: Detection = {
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
    const event = this.incidents.handle(detection);
    if (event) result.incidentEvents.push(event);
  }

  /** Closes windows up to `through` (inclusive), oldest first. */
  private closeWindows(through: number, result: BatchResult): void {
    const indexes = [...new Set([...this.windows.keys(), ...this.spans.openWindows()])].filter((i) => i <= through).sort((a, b) => a - b);
    for (const index of indexes) {
      const services = this.windows.get(index) ?? new Map<string, ServiceWindow>();
      this.windows.delete(index);
      this.closeWindow(index, services, result);
    }
    this.closedThrough = Math.max(this.closedThrough ?? through, through);
    for (const key of [...this.remoteFailing.keys()]) if (key < through - 2) this.remoteFailing.delete(key);
  }

  private closeWindow(index: number, services: Map<string, ServiceWindow>, result: BatchResult): void {
    const windowMs = this.tuning.windowMs;
    const endMs = (index + 1) * windowMs;
    const findings = new Map<string, WindowFinding>();
    for (const service of [...services.keys()].sort()) {
      const history = this.history.get(service) as ServiceHistory;
      findings.set(service, evaluateWindow(service, services.get(service) as ServiceWindow, history, index, endMs, this.tuning));
    }

    const failing = new Set<string>();
    for (const f of findings.values()) if (f.elevated || f.triggered) failing.add(f.service);
    for (const s of this.remoteFailing.get(index) ?? []) failing.add(s);
    for (const incident of this.incidents.open()) {
      // The root of an open incident still counts as failing while its errors continue.
      const w = services.get(incident.rootCauseService);
      if (w && w.errors > 0) failing.add(incident.rootCauseService);
    }

    const view: PropagationView = {
      failing,
      graph: this.graph,
      blames: (s) => new Map(Object.entries(services.get(s)?.blames ?? {})),
      errors: (s) => services.get(s)?.errors ?? 0,
      errorTraces: (s) => services.get(s)?.errorTraces ?? [],
      traces: this.traces,
    };

    // Windowed detections, grouped by the root cause their errors lead to.
    const groups = new Map<string, { finding: WindowFinding; score: number; signals: Signal[] }[]>();
    for (const f of findings.values()) {
      if (!f.triggered) continue;
      const neighbours = [...failing].filter(
        (s) => s !== f.service && (this.graph.hasEdge(f.service, s) || this.graph.hasEdge(s, f.service)),
      );
      const signals = [...f.signals];
      if (neighbours.length > 0) {
        signals.push({ name: "blast_radius", weight: round(Math.min(0.3, BLAST_RADIUS_WEIGHT * neighbours.length)), services: neighbours.sort() });
      }
      const score = compositeScore(signals);
      if (score < this.tuning.openScore) continue;
      const root = findRootCause(f.service, view);
      const group = groups.get(root) ?? [];
      group.push({ finding: f, score, signals });
      groups.set(root, group);
    }

    const rootsInOrder = [...groups.keys()].sort((a, b) => {
      const sa = Math.max(...(groups.get(a) ?? []).map((g) => g.score));
      const sb = Math.max(...(groups.get(b) ?? []).map((g) => g.score));
      return sb - sa || (a < b ? -1 : 1);
    });
    for (const root of rootsInOrder) {
      const members = (groups.get(root) ?? []).sort((a, b) => b.score - a.score || (a.finding.service < b.finding.service ? -1 : 1));
      const lead = members.find((m) => m.finding.service === root) ?? members[0];
      // The family and template come from the root cause's own errors when it has any.
      const rootFinding = findings.get(root);
      const source = rootFinding && rootFinding.window.errors > 0 ? rootFinding : lead.finding;
      const affected = blastRadius(root, failing, view);
      for (const m of members) if (m.finding.service !== root && !affected.includes(m.finding.service)) affected.push(m.finding.service);
      const signals = mergeSignals(members.map((m) => m.signals));
      const windows = [...new Set([root, ...affected])].map((s) => services.get(s)).filter((w): w is ServiceWindow => !!w);
      const detection: Detection = {
        path: "windowed",
        service: lead.finding.service,
        rootCauseService: root,
        affectedServices: affected.sort(),
        family: source.family,
        templateId: source.templateId,
        template: source.template,
        score: Math.max(...members.map((m) => m.score)),
        signals,
        firstSeenMs: Math.min(...windows.map((w) => w.firstErrorMs ?? endMs)),
        detectedAtMs: endMs,
        lastSeenMs: Math.max(...windows.map((w) => w.lastErrorMs ?? 0), index * windowMs),
        traceIds: unique(windows.flatMap((w) => w.errorTraces)).slice(0, this.tuning.maxTraceIds),
        sampleLogIds: windows.flatMap((w) => w.timeline.map((e) => e.logId)).slice(0, this.tuning.maxSamples),
        timeline: windows.flatMap((w) => w.timeline).slice(0, this.tuning.maxTimeline),
        templateIds: Object.keys(source.window.templates),
      };
      const event = this.incidents.handle(detection);
      if (event) result.incidentEvents.push(event);
    }

    // Failing services that lead to an open incident's root join its blast radius.
    for (const service of [...failing].sort()) {
      if (groups.has(service) || !services.has(service)) continue;
      const root = findRootCause(service, view);
      if (root === service) continue;
      const incident = this.incidents.openFor(root);
      if (!incident || incident.rootCauseService !== root || incident.affectedServices.includes(service)) continue;
      const f = findings.get(service) as WindowFinding;
      const event = this.incidents.handle({
        path: "windowed",
        service,
        rootCauseService: root,
        affectedServices: [service],
        family: incident.family,
        templateId: incident.templateId,
        template: incident.template,
        score: 0,
        signals: [],
        firstSeenMs: f.window.firstErrorMs ?? endMs,
        detectedAtMs: endMs,
        lastSeenMs: f.window.lastErrorMs ?? endMs,
        traceIds: f.window.errorTraces.slice(0, 5),
        sampleLogIds: f.window.timeline.slice(0, 3).map((e) => e.logId),
        timeline: f.window.timeline.slice(0, 3),
        templateIds: Object.keys(f.window.templates),
      });
      if (event) result.incidentEvents.push(event);
    }

    this.closeSpanWindow(index, result);
    result.incidentEvents.push(...this.incidents.resolveQuiet(endMs));
    this.summaries.push(this.summaryOf(index, findings, failing));
    // Nobody may be collecting (a replay): keep only the most recent hour of summaries at 10 s windows.
    if (this.summaries.length > MAX_PENDING_SUMMARIES) this.summaries.splice(0, this.summaries.length - MAX_PENDING_SUMMARIES);
  }

  /** Span anomalies of window `index`: a new incident once sustained, further evidence for an open one at once. */
  private closeSpanWindow(index: number, result: BatchResult): void {
    const d = this.spans.close(index);
    if (d === null || (!d.sustained && this.incidents.openFor(d.rootCauseService) === undefined)) return;
    const event = this.incidents.handle({
      path: "windowed",
      service: d.rootCauseService,
      rootCauseService: d.rootCauseService,
      affectedServices: d.affectedServices,
      family: d.family,
      templateId: d.templateId,
      template: d.template,
      score: d.score,
      signals: d.signals,
      firstSeenMs: d.firstSeenMs,
      detectedAtMs: d.detectedAtMs,
      lastSeenMs: d.detectedAtMs,
      traceIds: d.traceIds,
      sampleLogIds: [],
      timeline: [],
      templateIds: [],
      candidates: d.candidates,
    });
    if (event) result.incidentEvents.push(event);
  }

  private summaryOf(index: number, findings: Map<string, WindowFinding>, failing: Set<string>): ContextSummary {
    const edges: [string, string, number][] = [...this.pendingEdges]
      .map(([key, n]): [string, string, number] => {
        const [caller, callee] = key.split("\u0000");
        return [caller, callee, n];
      })
      .sort((a, b) => (a[0] === b[0] ? (a[1] < b[1] ? -1 : 1) : a[0] < b[0] ? -1 : 1));
    this.pendingEdges = new Map();
    return {
      tenantId: this.tenantId,
      windowStartMs: index * this.tuning.windowMs,
      windowMs: this.tuning.windowMs,
      failing: [...failing]
        .filter((s) => findings.has(s))
        .sort()
        .map((s) => {
          const f = findings.get(s) as WindowFinding;
          return { service: s, errors: f.window.errors, total: f.window.total, family: f.family };
        }),
      edges,
      services: [...findings.keys()].sort(),
    };
  }
}

function emptyResult(): BatchResult {
  return { documents: [], incidentEvents: [], rejections: [], accepted: 0, rejected: 0, timeAdjustments: { ahead: 0, behind: 0, unset: 0, invalid: 0 } };
}

function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** Signals of several services' findings, one per name, the strongest kept. */
function mergeSignals(lists: Signal[][]): Signal[] {
  const byName = new Map<string, Signal>();
  for (const list of lists) {
    for (const s of list) {
      const existing = byName.get(s.name);
      if (!existing || s.weight > existing.weight) byName.set(s.name, s);
    }
  }
  return [...byName.values()].sort((a, b) => b.weight - a.weight || (a.name < b.name ? -1 : 1));
}

