import type { DetectionPath, RootCauseCandidate, Signal, TimelineEntry } from "../../../contracts/records";
import type { SpanDetection } from "./span-detector";

/** One detection from the immediate or the windowed path, already correlated: what the incident lifecycle takes. */
export interface Detection {
  path: DetectionPath;
  service: string;
  rootCauseService: string;
  affectedServices: string[];
  family: string;
  templateId: string;
  template: string;
  score: number;
  signals: Signal[];
  firstSeenMs: number;
  detectedAtMs: number;
  lastSeenMs: number;
  traceIds: string[];
  sampleLogIds: string[];
  timeline: TimelineEntry[];
  /** The root cause's failure templates: its further errors in them keep the incident alive. */
  templateIds: string[];
  /** Ranked candidates from span evidence; absent for log detections (their root is the candidate). */
  candidates?: RootCauseCandidate[];
  /** Error records of the root cause in the detection's window (so far, on the immediate path); span detections leave it out. */
  errorCount?: number;
}

/**
 * A closed window's span anomaly as a detection: a new incident only once sustained, but further
 * evidence for an open incident at once (`joinsOpenIncident`: the incident lifecycle would merge it,
 * not open one; an incident that merely lists the root among its affected services, with no recent
 * evidence, is not enough, or an unsustained blip would open an incident of its own).
 */
export function spanWindowDetection(d: SpanDetection | null, joinsOpenIncident: (detection: Detection) => boolean): Detection | null {
  if (d === null) return null;
  const detection = spanDetectionOf(d);
  return d.sustained || joinsOpenIncident(detection) ? detection : null;
}

function spanDetectionOf(d: SpanDetection): Detection {
  return {
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
  };
}
