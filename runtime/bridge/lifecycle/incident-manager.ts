import { createHash } from "node:crypto";
import type { CandidateEvidence, DetectionFeedback, Incident, IncidentEvent, RootCauseCandidate, TimelineEntry } from "../../../contracts/records";
import type { Detection } from "../detect/detection";
import type { DetectionTuning } from "../detect/tuning";
import { beyondDismissed, Dismissals, type Dismissal } from "./feedback";
import { maxSeverity, severityOf } from "./severity";
import { readableTemplate } from "./title";

/** The evidence count a dismissal is judged on: window errors, or for span detections the anomalous traces. */
function evidenceOf(d: Detection): number {
  return d.errorCount ?? Math.max(d.traceIds.length, 1);
}

export interface EvidenceLimits {
  quietMs: number;
  /** How soon after opening an incident may still be re-rooted to a deeper root cause. */
  rerootMs: number;
  /** How recent an incident's last evidence must be for a detection in its blast radius to join it. */
  activeMs: number;
  cooldownMs: number;
  maxTimeline: number;
  maxSamples: number;
  maxTraceIds: number;
  /** False-alarm level of the "beyond what was dismissed" test (the detection tuning's maxTailProbability). */
  maxTailProbability: number;
}

/** The evidence limits the detection tuning implies: re-rooting and joining stay open for three windows. */
export function evidenceLimits(tuning: DetectionTuning): EvidenceLimits {
  return {
    quietMs: tuning.quietMs,
    rerootMs: 3 * tuning.windowMs,
    activeMs: 3 * tuning.windowMs,
    cooldownMs: tuning.cooldownMs,
    maxTimeline: tuning.maxTimeline,
    maxSamples: tuning.maxSamples,
    maxTraceIds: tuning.maxTraceIds,
    maxTailProbability: tuning.maxTailProbability,
  };
}

/** An incident plus what the manager needs to keep it current. Plain data, so it checkpoints as JSON. */
export interface TrackedIncident {
  incident: Incident;
  /** `incident.detectedAt` as epoch milliseconds. */
  openedAtMs: number;
  templateIds: string[];
  lastEvidenceMs: number;
  resolvedAtMs: number | null;
  /** Evidence accumulated per candidate service over the incident's detections (absent in older checkpoints). */
  candidateScores?: Record<string, number>;
  candidateEvidence?: Record<string, CandidateEvidence[]>;
}

const FAMILY_TITLES: Record<string, string> = {
  oom: "Out of memory",
  latency: "Latency",
  span_errors: "Failing calls",
  crash: "Crash",
  resource_exhaustion: "Resource exhaustion",
  database: "Database errors",
  timeout: "Timeouts",
  connection: "Connection failures",
  dependency: "Dependency failures",
  auth: "Authentication failures",
  error_spike: "Error spike",
  new_error_template: "New error",
  template_mix: "Changed log pattern",
};

export function fingerprintOf(tenant: string, root: string, family: string, templateId: string): string {
  return createHash("sha256").update(`${tenant}\u0000${root}\u0000${family}\u0000${templateId}`).digest("hex").slice(0, 32);
}

function titleOf(i: Pick<Incident, "family" | "rootCauseService" | "affectedServices" | "template" | "templateId" | "timeline">): string {
  const what = FAMILY_TITLES[i.family] ?? i.family;
  const spread = i.affectedServices.length > 0 ? ` (affecting ${i.affectedServices.join(", ")})` : "";
  const readable = readableTemplate(i.template, i.timeline.filter((e) => e.templateId === i.templateId).map((e) => e.message));
  const sample = readable.length > 80 ? `${readable.slice(0, 77)}...` : readable;
  return `${what} in ${i.rootCauseService}${spread}: ${sample}`;
}

function appendCapped<T>(target: T[], items: readonly T[], cap: number, same: (a: T, b: T) => boolean): boolean {
  let changed = false;
  for (const item of items) {
    if (target.length >= cap) break;
    if (target.some((t) => same(t, item))) continue;
    target.push(item);
    changed = true;
  }
  return changed;
}

const eq = <T>(a: T, b: T) => a === b;
const sameEntry = (a: TimelineEntry, b: TimelineEntry) => a.logId === b.logId;

/**
 * One incident per failure: detections merge into a related open incident (same root cause, or one
 * is part of the other's blast radius), a recurrence within the cooldown reopens the resolved incident,
 * severity only ever escalates, and an incident resolves after a quiet period in event time.
 */
export class IncidentManager {
  private readonly tracked: TrackedIncident[];
  /** Open incidents by root cause, rebuilt after any change: evidence() runs for every error record. */
  private openByRoot: Map<string, TrackedIncident[]> | null = null;
  /** "Not an incident" verdicts; re-applied from the workflow store at start (they are not in the checkpoint). */
  private readonly dismissals: Dismissals;

  constructor(
    private readonly tenant: string,
    private readonly limits: EvidenceLimits,
    state: TrackedIncident[] = [],
    dismissals?: Dismissals,
  ) {
    this.tracked = state.map((t) => structuredClone(t));
    this.dismissals = dismissals ?? new Dismissals(tenant);
  }

  /**
   * A person's verdict. "Not an incident" closes the incident here without an event (the API already
   * stored it resolved) and keeps its fingerprint closed while the evidence stays within what was
   * dismissed; "lifted" undoes that. Idempotent, so every verdict can be re-applied at start.
   */
  applyFeedback(feedback: DetectionFeedback): void {
    this.dismissals.apply(feedback);
    this.settleDismissed();
  }

  /** Closes, without an event, open incidents a verdict dismissed (verdicts may arrive through the shared Dismissals). */
  private settleDismissed(): void {
    for (const t of this.tracked) {
      if (t.incident.status !== "open" || !this.dismissals.dismisses(t.incident.id)) continue;
      t.incident.status = "resolved";
      t.resolvedAtMs = t.lastEvidenceMs;
      t.incident.resolvedAt = iso(t.lastEvidenceMs);
      this.openByRoot = null;
    }
  }

  /** Dismissals in force, with how many detections each kept closed. */
  dismissed(): (Dismissal & { fingerprint: string })[] {
    return this.dismissals.list();
  }

  private rootIndex(): Map<string, TrackedIncident[]> {
    if (this.openByRoot === null) {
      this.openByRoot = new Map();
      for (const t of this.tracked) {
        if (t.incident.status !== "open") continue;
        const list = this.openByRoot.get(t.incident.rootCauseService) ?? [];
        list.push(t);
        this.openByRoot.set(t.incident.rootCauseService, list);
      }
    }
    return this.openByRoot;
  }

  /** Open incidents, oldest first. */
  open(): Incident[] {
    return this.tracked.filter((t) => t.incident.status === "open" && !this.dismissals.dismisses(t.incident.id)).map((t) => t.incident);
  }

  /** The open incident a service belongs to (as root or affected), if any. */
  openFor(service: string): Incident | undefined {
    return this.tracked.find(
      (t) => t.incident.status === "open" && (t.incident.rootCauseService === service || t.incident.affectedServices.includes(service)),
    )?.incident;
  }

  /** Whether `d` would join an open incident here (as further evidence) rather than open one. */
  joins(d: Detection): boolean {
    this.settleDismissed();
    return this.joinable(d) !== undefined;
  }

  /**
   * The open incident a detection is further evidence for: the one with the same root cause first;
   * then one whose blast radius it is part of, while that incident's root is still failing (a later
   * failure of a once-affected service is new); for span evidence, which ranks several services, a
   * recent one any of its candidates is part of (the same failure seen from another end of a call).
   * Last, evidence dated while an incident since resolved was open, about its root or its candidates:
   * another pipeline's span detection handed over after this one's windows moved on belongs to the
   * incident it describes, and must neither open a second one nor reopen it. Evidence about the same
   * root is dated from its first sign (a template-mix shift from its onset, windows before it fired),
   * so a change of pattern that began while the root's incident was open is that incident's aftermath.
   */
  private joinable(d: Detection): TrackedIncident | undefined {
    const related =
      this.rootIndex().get(d.rootCauseService)?.[0] ??
      this.tracked.find(
        (t) =>
          t.incident.status === "open" &&
          t.incident.affectedServices.includes(d.rootCauseService) &&
          d.detectedAtMs - t.lastEvidenceMs <= this.limits.activeMs,
      );
    if (related) return related;
    const names = new Set((d.candidates ?? []).map((c) => c.service));
    const involves = (t: TrackedIncident) =>
      [t.incident.rootCauseService, ...t.incident.affectedServices, ...(t.incident.rootCauseCandidates ?? []).map((c) => c.service)].some((s) => names.has(s));
    return (
      this.tracked.find((t) => t.incident.status === "open" && d.detectedAtMs - t.lastEvidenceMs <= this.limits.activeMs && involves(t)) ??
      this.tracked.find(
        (t) =>
          t.incident.status === "resolved" &&
          t.resolvedAtMs !== null &&
          d.detectedAtMs >= t.openedAtMs &&
          (t.incident.rootCauseService === d.rootCauseService ? Math.min(d.firstSeenMs, d.detectedAtMs) : d.detectedAtMs) < t.resolvedAtMs &&
          (t.incident.rootCauseService === d.rootCauseService || involves(t)),
      )
    );
  }

  handle(d: Detection): IncidentEvent | null {
    this.settleDismissed();
    const fingerprint = fingerprintOf(this.tenant, d.rootCauseService, d.family, d.templateId);
    const joined = this.joinable(d);
    if (joined) return this.merge(joined, d, false);
    const dismissal = this.dismissals.get(fingerprint);
    if (dismissal && !beyondDismissed(dismissal, evidenceOf(d), [d.rootCauseService, d.service, ...d.affectedServices], this.limits.maxTailProbability)) {
      dismissal.suppressed += 1;
      return null;
    }
    // A just-opened incident whose root turns out to be a symptom of this deeper root: same failure,
    // re-rooted. Incidents are kept in opening order, so the scan stops at the first one too old.
    for (let k = this.tracked.length - 1; k >= 0; k--) {
      const t = this.tracked[k];
      if (d.detectedAtMs - t.openedAtMs > this.limits.rerootMs) break;
      const root = t.incident.rootCauseService;
      if (t.incident.status !== "open" || !(d.affectedServices.includes(root) || d.service === root)) continue;
      this.openByRoot = null;
      t.incident.affectedServices = [...new Set([...t.incident.affectedServices, root])].filter((s) => s !== d.rootCauseService).sort();
      t.incident.rootCauseService = d.rootCauseService;
      return this.merge(t, d, false, true);
    }
    const recurring = this.tracked.find(
      (t) =>
        t.incident.status === "resolved" &&
        t.resolvedAtMs !== null &&
        d.detectedAtMs - t.resolvedAtMs <= this.limits.cooldownMs &&
        t.incident.fingerprint === fingerprint,
    );
    if (recurring) {
      this.openByRoot = null;
      return this.merge(recurring, d, true);
    }
    return this.openNew(d, fingerprint);
  }

  private openNew(d: Detection, fingerprint: string): IncidentEvent {
    const affectedServices = [...new Set(d.affectedServices.filter((s) => s !== d.rootCauseService))].sort();
    const incident: Incident = {
      id: `inc_${createHash("sha256").update(`${fingerprint}\u0000${d.detectedAtMs}`).digest("hex").slice(0, 24)}`,
      fingerprint,
      tenant: this.tenant,
      service: d.service,
      rootCauseService: d.rootCauseService,
      affectedServices,
      severity: severityOf(d.score, d.family, affectedServices.length),
      score: round(d.score),
      path: d.path,
      signals: d.signals,
      firstSeen: iso(d.firstSeenMs),
      detectedAt: iso(d.detectedAtMs),
      lastSeen: iso(d.lastSeenMs),
      traceIds: d.traceIds.slice(0, this.limits.maxTraceIds),
      sampleLogIds: d.sampleLogIds.slice(0, this.limits.maxSamples),
      timeline: [...d.timeline].sort(byTime).slice(0, this.limits.maxTimeline),
      rootCauseCandidates: [],
      status: "open",
      title: "",
      family: d.family,
      templateId: d.templateId,
      template: d.template,
      occurrences: 1,
      resolvedAt: null,
      peakErrors: evidenceOf(d),
    };
    incident.title = titleOf(incident);
    const tracked: TrackedIncident = { incident, openedAtMs: d.detectedAtMs, templateIds: [...new Set(d.templateIds)], lastEvidenceMs: d.lastSeenMs, resolvedAtMs: null };
    addCandidates(tracked, d);
    refreshCandidates(tracked);
    this.tracked.push(tracked);
    if (this.openByRoot !== null) this.openByRoot.set(incident.rootCauseService, [...(this.openByRoot.get(incident.rootCauseService) ?? []), tracked]);
    return { type: "opened", incident: structuredClone(incident) };
  }

  private merge(t: TrackedIncident, d: Detection, reopen: boolean, rerooted = false): IncidentEvent | null {
    const i = t.incident;
    let changed = reopen || rerooted;
    if (reopen) {
      i.status = "open";
      i.resolvedAt = null;
      t.resolvedAtMs = null;
    }
    const before = i.affectedServices.length;
    const affected = new Set(i.affectedServices);
    for (const s of [...d.affectedServices, d.service, d.rootCauseService]) if (s !== i.rootCauseService) affected.add(s);
    i.affectedServices = [...affected].sort();
    if (i.affectedServices.length !== before) changed = true;
    addCandidates(t, d);
    // Span evidence accumulates over the incident: when it points elsewhere, the incident follows.
    if (d.candidates && d.candidates.length > 0) {
      const best = bestCandidate(t);
      if (best !== null && best !== i.rootCauseService) {
        this.openByRoot = null;
        i.affectedServices = [...new Set([...i.affectedServices, i.rootCauseService])].filter((s) => s !== best).sort();
        i.rootCauseService = best;
        changed = true;
      }
    }
    const candidatesBefore = JSON.stringify(i.rootCauseCandidates?.map((c) => c.service));
    refreshCandidates(t);
    if (JSON.stringify(i.rootCauseCandidates?.map((c) => c.service)) !== candidatesBefore) changed = true;
    i.score = round(Math.max(i.score, d.score));
    for (const s of d.signals) {
      const existing = i.signals.find((x) => x.name === s.name);
      if (!existing) i.signals.push(s);
      else if (s.weight > existing.weight) Object.assign(existing, s);
    }
    const severity = maxSeverity(i.severity, severityOf(i.score, i.family, i.affectedServices.length));
    if (severity !== i.severity) {
      i.severity = severity;
      changed = true;
    }
    i.occurrences += 1;
    // The peak is what a person judges the incident by (a "not an incident" verdict dismisses up to
    // it), so a higher one is published, not only kept here.
    if (d.score > 0 && evidenceOf(d) > (i.peakErrors ?? 0)) {
      i.peakErrors = evidenceOf(d);
      changed = true;
    }
    t.lastEvidenceMs = Math.max(t.lastEvidenceMs, d.lastSeenMs, d.detectedAtMs);
    i.lastSeen = iso(Math.max(Date.parse(i.lastSeen), d.lastSeenMs));
    for (const id of d.templateIds) if (!t.templateIds.includes(id)) t.templateIds.push(id);
    appendCapped(i.traceIds, d.traceIds, this.limits.maxTraceIds, eq);
    appendCapped(i.sampleLogIds, d.sampleLogIds, this.limits.maxSamples, eq);
    if (appendCapped(i.timeline, d.timeline, this.limits.maxTimeline, sameEntry)) i.timeline.sort(byTime);
    if (!changed) return null;
    i.title = titleOf(i);
    return { type: "updated", incident: structuredClone(i) };
  }

  /**
   * A record that belongs to an open incident (an error of its root cause in one of the failure's
   * templates) keeps it alive and joins its evidence.
   */
  evidence(entry: TimelineEntry, atMs: number): void {
    for (const t of this.rootIndex().get(entry.service) ?? []) {
      const i = t.incident;
      // Only the root cause's own failure templates count: callers' errors (often generic access-log
      // templates shared with other failures) and unrelated errors must not keep it open.
      if (entry.service !== i.rootCauseService || !t.templateIds.includes(entry.templateId)) continue;
      if (atMs > t.lastEvidenceMs) {
        t.lastEvidenceMs = atMs;
        i.lastSeen = entry.at;
      }
      if (i.timeline.length < this.limits.maxTimeline) i.timeline.push(entry);
      if (i.sampleLogIds.length < this.limits.maxSamples) i.sampleLogIds.push(entry.logId);
      if (entry.traceId && i.traceIds.length < this.limits.maxTraceIds && !i.traceIds.includes(entry.traceId)) {
        i.traceIds.push(entry.traceId);
      }
    }
  }

  /** Resolves incidents quiet for the quiet period as of event time `nowMs`; forgets ones past their cooldown. */
  resolveQuiet(nowMs: number): IncidentEvent[] {
    this.settleDismissed();
    const events: IncidentEvent[] = [];
    for (const t of this.tracked) {
      if (t.incident.status !== "open" || nowMs - t.lastEvidenceMs < this.limits.quietMs) continue;
      t.incident.status = "resolved";
      t.resolvedAtMs = t.lastEvidenceMs + this.limits.quietMs;
      t.incident.resolvedAt = iso(t.resolvedAtMs);
      events.push({ type: "resolved", incident: structuredClone(t.incident) });
      this.openByRoot = null;
    }
    for (let k = this.tracked.length - 1; k >= 0; k--) {
      const t = this.tracked[k];
      if (t.resolvedAtMs !== null && nowMs - t.resolvedAtMs > this.limits.cooldownMs) this.tracked.splice(k, 1);
    }
    return events;
  }

  exportState(): TrackedIncident[] {
    return structuredClone(this.tracked);
  }
}

const MAX_CANDIDATES = 3;

/** Adds a detection's evidence to the incident's candidates: span candidates by their share, a log detection's root by its score. */
function addCandidates(t: TrackedIncident, d: Detection): void {
  const scores = (t.candidateScores ??= {});
  const evidence = (t.candidateEvidence ??= {});
  const list: RootCauseCandidate[] =
    d.candidates && d.candidates.length > 0
      ? d.candidates
      : [{ service: d.rootCauseService, score: d.score, evidence: d.signals.slice(0, 3).map((s) => ({ signal: s.name, what: d.service, surprise: 0, detail: `weight ${s.weight}` })) }];
  for (const c of list) {
    scores[c.service] = (scores[c.service] ?? 0) + c.score;
    if (c.evidence.length > 0) evidence[c.service] = c.evidence;
  }
}

function bestCandidate(t: TrackedIncident): string | null {
  let best: string | null = null;
  for (const [service, score] of Object.entries(t.candidateScores ?? {})) {
    const top = best === null ? -1 : (t.candidateScores as Record<string, number>)[best];
    if (score > top || (score === top && best !== null && service < best)) best = service;
  }
  return best;
}

/** The incident's top candidates: its root first (the contract), then the others by accumulated evidence. */
function refreshCandidates(t: TrackedIncident): void {
  const i = t.incident;
  const scores = t.candidateScores ?? {};
  const total = Object.values(scores).reduce((a, b) => a + b, 0) || 1;
  const others = Object.keys(scores)
    .filter((s) => s !== i.rootCauseService)
    .sort((a, b) => scores[b] - scores[a] || (a < b ? -1 : 1));
  i.rootCauseCandidates = [i.rootCauseService, ...others].slice(0, MAX_CANDIDATES).map((service) => ({
    service,
    score: round((scores[service] ?? 0) / total),
    evidence: t.candidateEvidence?.[service] ?? [],
  }));
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function byTime(a: TimelineEntry, b: TimelineEntry): number {
  return a.at < b.at ? -1 : a.at > b.at ? 1 : a.logId < b.logId ? -1 : a.logId > b.logId ? 1 : 0;
}
