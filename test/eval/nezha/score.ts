import type { NezhaDay, NezhaFault } from "./convert";

/** What the scorer needs of an incident (the Incident contract's fields). */
export interface ScoredIncident {
  detectedAt: string;
  rootCauseService: string;
  rootCauseCandidates?: { service: string }[];
}

export interface FaultResult {
  fault: NezhaFault;
  detected: boolean;
  top1: boolean;
  top3: boolean;
  delayMs: number | null;
  incidents: number;
  ranked: string[];
}

export interface NezhaScore {
  faults: FaultResult[];
  falsePositives: ScoredIncident[];
  faultFreeIncidents: ScoredIncident[];
  hours: number;
}

/**
 * Each fault owns the contiguous run of minute files around its injection (the data set ships about
 * one minute before and two after), plus one minute after the run for windows that close late. An
 * incident detected (opened or reopened) there belongs to that fault; the first one is what an
 * operator sees, so it alone decides top-1 and top-3, whatever its root. Incidents anywhere else are
 * false positives.
 */
export function scoreNezha(day: NezhaDay, incidents: readonly ScoredIncident[]): NezhaScore {
  const segments: { startMs: number; endMs: number; faultFree: boolean }[] = [];
  for (const m of day.minutes) {
    const last = segments[segments.length - 1];
    if (last && last.endMs === m.startMs && last.faultFree === m.faultFree) last.endMs += 60_000;
    else segments.push({ startMs: m.startMs, endMs: m.startMs + 60_000, faultFree: m.faultFree });
  }
  const sorted = [...incidents].sort((a, b) => Date.parse(a.detectedAt) - Date.parse(b.detectedAt));
  const claimed = new Set<ScoredIncident>();
  const faults = day.faults.map((fault): FaultResult => {
    const seg = segments.find((s) => !s.faultFree && s.startMs <= fault.injectMs && fault.injectMs < s.endMs);
    const own = seg ? sorted.filter((i) => Date.parse(i.detectedAt) >= seg.startMs && Date.parse(i.detectedAt) < seg.endMs + 60_000) : [];
    for (const i of own) claimed.add(i);
    const first = own[0];
    const ranked = first ? (first.rootCauseCandidates?.map((c) => c.service) ?? [first.rootCauseService]) : [];
    return {
      fault,
      detected: !!first,
      top1: !!first && first.rootCauseService === fault.service,
      top3: ranked.slice(0, 3).includes(fault.service),
      delayMs: first ? Date.parse(first.detectedAt) - fault.injectMs : null,
      incidents: own.length,
      ranked: ranked.slice(0, 3),
    };
  });
  const faultFree = segments.filter((s) => s.faultFree);
  return {
    faults,
    falsePositives: sorted.filter((i) => !claimed.has(i)),
    faultFreeIncidents: sorted.filter((i) => faultFree.some((s) => Date.parse(i.detectedAt) >= s.startMs && Date.parse(i.detectedAt) < s.endMs + 60_000)),
    hours: day.minutes.length / 60,
  };
}

export interface Summary {
  faults: number;
  recall: number;
  top1: number;
  top3: number;
  falsePositivesPerHour: number;
  medianDelayS: number | null;
}

export function summarizeNezha(results: readonly FaultResult[], falsePositives: number, hours: number): Summary {
  const n = results.length;
  const delays = results.flatMap((r) => (r.delayMs === null ? [] : [r.delayMs])).sort((a, b) => a - b);
  const median = delays.length === 0 ? null : delays.length % 2 ? delays[(delays.length - 1) / 2] : (delays[delays.length / 2 - 1] + delays[delays.length / 2]) / 2;
  return {
    faults: n,
    recall: n ? results.filter((r) => r.detected).length / n : 0,
    top1: n ? results.filter((r) => r.top1).length / n : 0,
    top3: n ? results.filter((r) => r.top3).length / n : 0,
    falsePositivesPerHour: hours > 0 ? falsePositives / hours : 0,
    medianDelayS: median === null ? null : median / 1000,
  };
}
