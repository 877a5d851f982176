import type { Incident, Signal } from "../../../contracts/records";
import { blastRadius, findRootCause, groupByRootCause, type Correlator, type FailingService, type PropagationView, type RootGroup } from "../correlate";
import type { Detection } from "./detection";
import { rootMixOnly } from "./mix-root";
import type { SpanDetection } from "./span-detector";
import type { DetectionTuning } from "./tuning";
import {
  compositeScore,
  evaluateWindow,
  newServiceHistory,
  round,
  scoreTemplateMix,
  serviceHistoryFrom,
  serviceHistoryState,
  type ServiceHistory,
  type ServiceHistoryState,
  type ServiceWindow,
  type WindowFinding,
} from "./window";

const BLAST_RADIUS_WEIGHT = 0.1;

/** What the windowed path reads of the incident lifecycle while it closes a window. */
export interface OpenIncidents {
  open(): readonly Incident[];
  openFor(service: string): Incident | undefined;
}

/** What one closed window tells other replicas. */
export interface WindowOutcome {
  failing: FailingService[];
  /** Services with logs in the window. */
  services: string[];
}

interface Candidate {
  service: string;
  finding: WindowFinding;
  score: number;
  signals: Signal[];
}

/**
 * The windowed path: judges each service's closed window against its own baseline, scores the
 * triggered ones with their failing neighbours (blast radius), and turns each root-cause group the
 * correlator finds into one detection. Failing services that lead to an open incident's root join
 * that incident.
 */
export class WindowDetector {
  private readonly history: Map<string, ServiceHistory>;

  constructor(
    private readonly tuning: DetectionTuning,
    state: Record<string, ServiceHistoryState> = {},
  ) {
    this.history = new Map(Object.entries(state).map(([service, h]) => [service, serviceHistoryFrom(h)]));
  }

  /** Whether this detector judges the service's logs (it has seen a record of it). */
  owns(service: string): boolean {
    return this.history.has(service);
  }

  /** A service's baseline starts at its first record. */
  observe(service: string, timeMs: number): void {
    if (!this.history.has(service)) this.history.set(service, newServiceHistory(timeMs));
  }

  /**
   * Closes window `index`; each detection goes to `emit` at once, since later ones depend on the
   * incidents it changes. `spans` is the same window's span verdict (null: none anomalous, or no spans
   * here): it roots a detection whose only evidence is the template mix (`rootMixOnly`).
   */
  close(
    index: number,
    services: ReadonlyMap<string, ServiceWindow>,
    correlator: Correlator,
    incidents: OpenIncidents,
    emit: (d: Detection) => void,
    spans: SpanDetection | null = null,
  ): WindowOutcome {
    const endMs = (index + 1) * this.tuning.windowMs;
    const findings = new Map<string, WindowFinding>();
    for (const service of [...services.keys()].sort()) {
      const history = this.history.get(service) as ServiceHistory;
      findings.set(service, evaluateWindow(service, services.get(service) as ServiceWindow, history, index, endMs, this.tuning));
    }
    scoreTemplateMix(index, services, this.history, findings, this.tuning);

    const failing = new Set<string>();
    for (const f of findings.values()) if (f.elevated || f.triggered) failing.add(f.service);
    for (const s of correlator.remoteFailingIn(index)) failing.add(s);
    for (const incident of incidents.open()) {
      // The root of an open incident still counts as failing while its errors continue.
      const w = services.get(incident.rootCauseService);
      if (w && w.errors > 0) failing.add(incident.rootCauseService);
    }
    const view = correlator.view(failing, services);

    const candidates: Candidate[] = [];
    for (const f of findings.values()) {
      if (!f.triggered) continue;
      const neighbours = correlator.failingNeighbours(f.service, failing);
      const signals = [...f.signals];
      if (neighbours.length > 0) signals.push({ name: "blast_radius", weight: round(Math.min(0.3, BLAST_RADIUS_WEIGHT * neighbours.length)), services: neighbours });
      const score = compositeScore(signals);
      if (score >= this.tuning.openScore) candidates.push({ service: f.service, finding: f, score, signals });
    }
    const groups = groupByRootCause(candidates, view);
    for (const group of groups) {
      // One incident per failure across partitions: a root whose logs another partition's pipeline
      // consumes (known here only from context summaries) is that pipeline's to open, and it learns
      // these symptoms from this window's summary; opening here too would split one failure in two.
      if (!this.owns(group.root) && correlator.hasLogged(group.root)) continue;
      emit(rootMixOnly(this.groupDetection(group, findings, services, view, index), spans, incidents.openFor(group.root) !== undefined));
    }

    const roots = new Set(groups.map((g) => g.root));
    for (const service of [...failing].sort()) {
      if (roots.has(service) || !services.has(service)) continue;
      const root = findRootCause(service, view);
      if (root === service) continue;
      const incident = incidents.openFor(root);
      if (!incident || incident.rootCauseService !== root || incident.affectedServices.includes(service)) continue;
      emit(joinDetection(service, incident, findings.get(service) as WindowFinding, endMs));
    }

    return {
      failing: [...failing]
        .filter((s) => findings.has(s))
        .sort()
        .map((s) => {
          const f = findings.get(s) as WindowFinding;
          return { service: s, errors: f.window.errors, total: f.window.total, family: f.family };
        }),
      services: [...findings.keys()].sort(),
    };
  }

  exportState(): Record<string, ServiceHistoryState> {
    return Object.fromEntries([...this.history].map(([service, h]) => [service, serviceHistoryState(h)]));
  }

  private groupDetection(
    group: RootGroup<Candidate>,
    findings: ReadonlyMap<string, WindowFinding>,
    services: ReadonlyMap<string, ServiceWindow>,
    view: PropagationView,
    index: number,
  ): Detection {
    const { root, members } = group;
    const endMs = (index + 1) * this.tuning.windowMs;
    const lead = members.find((m) => m.service === root) ?? members[0];
    // The family and template come from the root cause's own errors when it has any.
    const rootFinding = findings.get(root);
    const source = rootFinding && rootFinding.window.errors > 0 ? rootFinding : lead.finding;
    const affected = blastRadius(root, view.failing, view);
    for (const m of members) if (m.service !== root && !affected.includes(m.service)) affected.push(m.service);
    const windows = [...new Set([root, ...affected])].map((s) => services.get(s)).filter((w): w is ServiceWindow => !!w);
    return {
      path: "windowed",
      service: lead.service,
      rootCauseService: root,
      affectedServices: affected.sort(),
      family: source.family,
      templateId: source.templateId,
      template: source.template,
      score: Math.max(...members.map((m) => m.score)),
      signals: mergeSignals(members.map((m) => m.signals)),
      firstSeenMs: Math.min(...windows.map((w) => w.firstErrorMs ?? endMs), ...members.map((m) => m.finding.onsetMs ?? endMs)),
      detectedAtMs: endMs,
      lastSeenMs: Math.max(...windows.map((w) => w.lastErrorMs ?? 0), index * this.tuning.windowMs),
      traceIds: [...new Set(windows.flatMap((w) => w.errorTraces))].slice(0, this.tuning.maxTraceIds),
      sampleLogIds: windows.flatMap((w) => w.timeline.map((e) => e.logId)).slice(0, this.tuning.maxSamples),
      timeline: windows.flatMap((w) => w.timeline).slice(0, this.tuning.maxTimeline),
      templateIds: Object.keys(source.window.templates),
      errorCount: source.window.errors,
    };
  }
}

/** A failing service whose errors lead to an open incident's root: it joins that incident's blast radius. */
function joinDetection(service: string, incident: Incident, f: WindowFinding, endMs: number): Detection {
  return {
    path: "windowed",
    service,
    rootCauseService: incident.rootCauseService,
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
  };
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
