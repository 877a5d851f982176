import type { LogDocument, Signal, TimelineEntry } from "../../../contracts/records";
import type { DetectionTuning } from "./tuning";
import {
  baselineOf,
  effectiveStd,
  newRateHistory,
  poissonUpperTail,
  recordRate,
  recordTemplateCount,
  templateMeanAt,
  type RateHistory,
  type TemplateHistory,
} from "./baseline";
import type { RecordAssessment } from "./record-signals";
import {
  judgeMix,
  mixHistoryFrom,
  mixHistoryState,
  mixSignal,
  newMixHistory,
  NO_COUNTS,
  OPEN_STREAK,
  pooledMix,
  recordMix,
  testMix,
  type MixHistory,
  type MixHistoryState,
  type MixVerdict,
} from "./template-mix";

/** Per-window evidence kept for each error record's template. */
export interface TemplateCount {
  template: string;
  errors: number;
  weightSum: number;
}

/** One service's records in one window (tumbling, event time). */
export interface ServiceWindow {
  total: number;
  errors: number;
  /** Error records per failure family, with their summed weights. */
  families: Record<string, { count: number; weightSum: number; phrase: string }>;
  templates: Record<string, TemplateCount>;
  /** Peers named by error records (propagation blame). */
  blames: Record<string, number>;
  errorTraces: string[];
  timeline: TimelineEntry[];
  firstErrorMs: number | null;
  lastErrorMs: number | null;
  /** Records per template, every severity (the template mix; absent in windows of older checkpoints). A Map: see `WindowCounts`. */
  mix?: Map<string, number>;
  /** Template text of each id in `mix`, for evidence and titles. */
  mixTemplates?: Map<string, string>;
}

/** A ServiceWindow as checkpoints hold it (JSON): the mix as objects. */
export type ServiceWindowState = Omit<ServiceWindow, "mix" | "mixTemplates"> & { mix?: Record<string, number>; mixTemplates?: Record<string, string> };

export function serviceWindowState(w: ServiceWindow): ServiceWindowState {
  return { ...w, mix: w.mix && Object.fromEntries(w.mix), mixTemplates: w.mixTemplates && Object.fromEntries(w.mixTemplates) };
}

export function serviceWindowFrom(state: ServiceWindowState): ServiceWindow {
  return {
    ...state,
    mix: state.mix && new Map(Object.entries(state.mix)),
    mixTemplates: state.mixTemplates && new Map(Object.entries(state.mixTemplates)),
  };
}

/**
 * Chance per service and window that an unchanged service counts as failing (elevated). At the old
 * two-sigma rule (2.3 %), a flaky service with a steady 5 % error rate "failed" every few minutes and
 * captured the root cause of any neighbour's incident that coincided; 0.001 makes that about one
 * window in three hours, and a real failure's services still clear it within a window or two.
 */
const ELEVATED_ALPHA = 0.001;
/** The one-sided normal quantile of ELEVATED_ALPHA. */
const ELEVATED_Z = 3.09;
const MAX_WINDOW_TRACES = 64;
const MAX_WINDOW_TIMELINE = 12;

export function newServiceWindow(): ServiceWindow {
  return {
    total: 0,
    errors: 0,
    families: {},
    templates: {},
    blames: {},
    errorTraces: [],
    timeline: [],
    firstErrorMs: null,
    lastErrorMs: null,
    mix: new Map(),
    mixTemplates: new Map(),
  };
}

export function timelineEntryOf(doc: LogDocument): TimelineEntry {
  return {
    at: doc["@timestamp"],
    service: doc.service,
    severity: doc.severity_text,
    message: doc.message.length > 500 ? `${doc.message.slice(0, 497)}...` : doc.message,
    logId: doc.id,
    traceId: doc.trace_id,
    templateId: doc.template_id,
  };
}

/** Adds a record to its service's window; returns the window's error count so far. */
export function addToWindow(w: ServiceWindow, doc: LogDocument, a: RecordAssessment, timeMs: number, peer: string | null): number {
  w.total += 1;
  // A client's bad request says nothing about the service's health: it stays out of the mix too.
  if (a.clientSide === null) {
    const mix = (w.mix ??= new Map());
    const seen = mix.get(doc.template_id);
    if (seen === undefined) {
      mix.set(doc.template_id, 1);
      (w.mixTemplates ??= new Map()).set(doc.template_id, doc.template);
    } else mix.set(doc.template_id, seen + 1);
  }
  if (!a.isError) return w.errors;
  w.errors += 1;
  if (w.firstErrorMs === null || timeMs < w.firstErrorMs) w.firstErrorMs = timeMs;
  if (w.lastErrorMs === null || timeMs > w.lastErrorMs) w.lastErrorMs = timeMs;
  const familyKey = a.family ?? "generic";
  const f = (w.families[familyKey] ??= { count: 0, weightSum: 0, phrase: a.phrase ?? "" });
  f.count += 1;
  f.weightSum += a.weight;
  const t = (w.templates[doc.template_id] ??= { template: doc.template, errors: 0, weightSum: 0 });
  t.errors += 1;
  t.weightSum += a.weight;
  t.template = doc.template;
  if (peer !== null) w.blames[peer] = (w.blames[peer] ?? 0) + 1;
  if (doc.trace_id !== null && w.errorTraces.length < MAX_WINDOW_TRACES && !w.errorTraces.includes(doc.trace_id)) {
    w.errorTraces.push(doc.trace_id);
  }
  if (w.timeline.length < MAX_WINDOW_TIMELINE) w.timeline.push(timelineEntryOf(doc));
  return w.errors;
}

/** A service's long-lived statistics: its error-rate baseline and per-template histories. */
export interface ServiceHistory {
  rates: RateHistory;
  templates: Record<string, TemplateHistory>;
  /** Event time of the service's first record. */
  firstSeenMs: number;
  /** The baseline template mix (absent in older checkpoints: starts afresh). */
  mix?: MixHistory;
}

/** A ServiceHistory as checkpoints hold it (JSON). */
export type ServiceHistoryState = Omit<ServiceHistory, "mix"> & { mix?: MixHistoryState };

export function serviceHistoryState({ mix, ...rest }: ServiceHistory): ServiceHistoryState {
  return mix === undefined ? rest : { ...rest, mix: mixHistoryState(mix) };
}

export function serviceHistoryFrom({ mix, ...rest }: ServiceHistoryState): ServiceHistory {
  return mix === undefined ? rest : { ...rest, mix: mixHistoryFrom(mix) };
}

export function newServiceHistory(firstSeenMs: number): ServiceHistory {
  return { rates: newRateHistory(), templates: {}, firstSeenMs };
}

export interface TemplateSpike {
  templateId: string;
  template: string;
  count: number;
  mean: number;
  z: number;
  isNew: boolean;
}

/** What one closed window says about one service. */
export interface WindowFinding {
  service: string;
  window: ServiceWindow;
  rate: number;
  baselineMean: number;
  z: number;
  /** Errors clearly above the service's own normal level: counts toward blast radius. */
  elevated: boolean;
  /** A statistical condition for opening held (rate z-score, template spike or sustained elevation). */
  triggered: boolean;
  spikes: TemplateSpike[];
  /** Signals before context (blast radius) is known. */
  signals: Signal[];
  family: string;
  familyPhrase: string;
  templateId: string;
  template: string;
  /** Start of the first window of a template-mix shift that triggered this finding: its evidence begins there, not in this window. */
  onsetMs?: number;
}

/** Noisy-OR: independent pieces of evidence, each weight the chance it alone means a failure. */
export function compositeScore(signals: readonly Signal[]): number {
  let miss = 1;
  for (const s of signals) miss *= 1 - Math.min(1, Math.max(0, s.weight));
  return 1 - miss;
}

/** Rounds a weight or statistic for incidents and tests (3 decimals unless told). */
export function round(x: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/**
 * Judges one service's closed window against its history (which excludes this window), then folds the
 * window into the history. Pure apart from updating `history`.
 */
export function evaluateWindow(
  service: string,
  w: ServiceWindow,
  history: ServiceHistory,
  windowIndex: number,
  windowEndMs: number,
  tuning: DetectionTuning,
): WindowFinding {
  const stats = baselineOf(history.rates, tuning.minBaselineWindows);
  const rate = w.total === 0 ? 0 : w.errors / w.total;
  const sigma = effectiveStd(stats, w.total, tuning.stdFloor);
  const z = (rate - stats.mean) / sigma;
  const rise = rate - stats.mean;
  const signals: Signal[] = [];

  // The count must also be improbable for the baseline rate (plus the baseline's own standard error):
  // the normal approximation alone overstates how rare a few extra errors are in small windows.
  const expected = w.total * Math.max(stats.mean + stats.std / Math.sqrt(Math.max(stats.windows, 1)), 0.002);
  const surprising = poissonUpperTail(w.errors, expected) <= tuning.maxTailProbability;
  const rateTrigger = w.errors >= tuning.minErrors && z >= tuning.zThreshold && rise >= tuning.minRateIncrease && surprising;
  if (rateTrigger) {
    signals.push({ name: "error_rate_zscore", weight: round(Math.min(0.7, 0.1 * z)), z: round(z, 2), rate: round(rate), baseline: round(stats.mean) });
  }
  // Failing, for blast radius and the root-cause walk: a rise its own baseline (spread between windows
  // included, so a chronically flaky service is judged by its own variance) explains at most at ELEVATED_ALPHA.
  const elevated = w.errors >= 3 && rise >= 0.03 && z >= ELEVATED_Z && poissonUpperTail(w.errors, expected) <= ELEVATED_ALPHA;
  const streak = elevated ? history.rates.streak + 1 : 0;
  const sustained = streak >= tuning.sustainedWindows;
  if (sustained) signals.push({ name: "sustained_elevation", weight: 0.3, windows: streak, rate: round(rate), baseline: round(stats.mean) });
  const prevErrors = history.rates.lastErrors;
  if (w.errors >= tuning.minErrors && w.errors >= 2 * prevErrors + 3) {
    signals.push({ name: "error_velocity", weight: 0.15, errors: w.errors, previous: prevErrors });
  }

  // Per-template spikes, judged against each template's own history (Poisson spread).
  const established = windowEndMs - history.firstSeenMs > tuning.noveltyMs;
  const spikes: TemplateSpike[] = [];
  for (const templateId of Object.keys(w.templates).sort()) {
    const t = w.templates[templateId];
    let h = history.templates[templateId];
    if (!h) h = history.templates[templateId] = { mean: 0, window: windowIndex - 1, firstSeenMs: w.firstErrorMs ?? windowEndMs };
    const mean = templateMeanAt(h, windowIndex - 1);
    const tz = (t.errors - mean) / Math.sqrt(Math.max(mean, 1));
    const isNew = established && windowEndMs - h.firstSeenMs <= tuning.noveltyMs;
    const rare = poissonUpperTail(t.errors, Math.max(mean, 0.1)) <= tuning.maxTailProbability;
    if (t.errors >= Math.max(tuning.minErrors, 2 * mean + 3) && tz >= tuning.templateZThreshold && rare) {
      spikes.push({ templateId, template: t.template, count: t.errors, mean: round(mean), z: round(tz, 2), isNew });
    }
    recordTemplateCount(h, windowIndex, t.errors);
  }
  spikes.sort((a, b) => b.count - a.count || (a.templateId < b.templateId ? -1 : 1));
  if (spikes.length > 0) {
    const top = spikes[0];
    signals.push({ name: "template_spike", weight: round(Math.min(0.6, 0.08 * top.z)), templateId: top.templateId, count: top.count, z: top.z });
    const fresh = spikes.find((s) => s.isNew);
    if (fresh) signals.push({ name: "template_novelty", weight: 0.35, templateId: fresh.templateId, count: fresh.count });
  }

  // The dominant failure family of the window's errors, if it explains enough of them.
  let family = "error_spike";
  let familyPhrase = "";
  let best = 0;
  for (const key of Object.keys(w.families).sort()) {
    const f = w.families[key];
    if (key !== "generic" && f.count > best && f.count >= 0.3 * w.errors) {
      best = f.count;
      family = key;
      familyPhrase = f.phrase;
    }
  }
  if (family !== "error_spike") {
    const f = w.families[family];
    signals.push({ name: `family_${family}`, weight: round(0.6 * (f.weightSum / f.count)), count: f.count, phrase: f.phrase });
  } else if (spikes.some((s) => s.isNew)) {
    family = "new_error_template";
  } else if (w.families.generic) {
    const g = w.families.generic;
    signals.push({ name: "error_records", weight: round(0.6 * (g.weightSum / g.count)), count: g.count });
  }

  const lead = spikes[0] ?? dominantTemplate(w);
  // Without a baseline there is no statistical verdict, only for a blatant failure (half the traffic erring).
  const warm = stats.windows >= tuning.minBaselineWindows;
  const blatant = rate >= 0.5 && w.errors >= 2 * tuning.minErrors;
  const triggered = warm ? rateTrigger || spikes.length > 0 || sustained : blatant;

  if (w.total > 0) {
    recordRate(history.rates, rate, stats, sigma, tuning.baselineWindows);
    history.rates.lastErrors = w.errors;
    history.rates.streak = streak;
  }

  return {
    service,
    window: w,
    rate,
    baselineMean: stats.mean,
    z,
    elevated,
    triggered,
    spikes,
    signals,
    family,
    familyPhrase,
    templateId: lead?.templateId ?? "",
    template: lead?.template ?? "",
  };
}

function dominantTemplate(w: ServiceWindow): { templateId: string; template: string } | undefined {
  let best: { templateId: string; template: string } | undefined;
  let count = 0;
  for (const id of Object.keys(w.templates).sort()) {
    const t = w.templates[id];
    if (t.errors > count) {
      count = t.errors;
      best = { templateId: id, template: t.template };
    }
  }
  return best;
}

/**
 * The template-mix signal of one closed window, for every service in it: each service's mix is tested
 * against its baseline, the window's tests share the family-wise rate `tuning.mixAlpha` (Bonferroni),
 * and the window is learned unless significant. A significant mix adds its evidence to the service's
 * finding; OPEN_STREAK significant tests in a row trigger it on their own (a silent fault: no error needed),
 * as a `template_mix` detection keyed by the most changed template. Updates `histories` and `findings`.
 */
export function scoreTemplateMix(
  index: number,
  windows: ReadonlyMap<string, ServiceWindow>,
  histories: ReadonlyMap<string, ServiceHistory>,
  findings: Map<string, WindowFinding>,
  tuning: DetectionTuning,
): void {
  const verdicts = new Map<string, MixVerdict>();
  for (const [service, w] of windows) {
    const h = histories.get(service);
    if (!h) continue;
    const mix = (h.mix ??= newMixHistory());
    verdicts.set(service, testMix(pooledMix(mix, index, w.mix ?? NO_COUNTS), mix, tuning.minBaselineWindows));
  }
  const significant = judgeMix(verdicts, tuning.mixAlpha);
  for (const [service, v] of verdicts) {
    const h = (histories.get(service) as ServiceHistory).mix as MixHistory;
    const w = windows.get(service) as ServiceWindow;
    const corrected = significant.get(service);
    const f = findings.get(service);
    recordMix(h, index, v, corrected !== undefined, undefined, w.mixTemplates, f !== undefined && (f.elevated || f.triggered));
    if (corrected === undefined || !f) continue;
    f.signals.push(mixSignal(v, corrected, tuning.mixAlpha, h.streak));
    if (h.streak < OPEN_STREAK || f.triggered) continue;
    f.triggered = true;
    f.family = "template_mix";
    f.onsetMs = (h.onset ?? index) * tuning.windowMs;
    const lead = v.appeared[0] ?? v.vanished[0] ?? v.grown[0];
    f.templateId = lead?.templateId ?? "";
    f.template = lead === undefined ? "" : (w.mixTemplates?.get(lead.templateId) ?? h.texts.get(lead.templateId) ?? "");
  }
}
