import type { Signal } from "../../../contracts/records";
import { POOLED_WINDOWS, QUARANTINE_WINDOWS } from "../spans/span-signals";
import { fisherTail, HALF_LIFE_WINDOWS } from "../spans/tail-test";

/**
 * Silent-fault signal from logs: a service's template mix in one window against its own baseline,
 * blind to severity and failure words. A fault that writes no error at all still changes what a
 * service logs: lines that should appear vanish (a code path no longer runs), new lines appear (a
 * fallback, a retry), the proportions shift (more cache misses than hits). Proportions, not rates,
 * are compared, so a traffic change alone (a quiet hour, a gap in the data) is not a fault.
 *
 * The test is a G-test (likelihood-ratio) of the window's counts per known template against the
 * baseline's proportions, one category per template expected at least MIN_EXPECTED times, given
 * their total: the rare rest is left out, since it is mostly lines written on a timer, whose share
 * moves with the traffic (see testMix). Templates the baseline never saw are evidence, not part of
 * the test: a line added next to an unchanged mix is what a new version, a feature flag or a retried
 * call writes; a fault changes what the service already did (lines vanish, paths shift). New error
 * lines have their own path (template spikes and novelty on errors).
 *
 * Log records are not independent draws: one request writes several
 * lines together, bursts repeat a template. So the statistic is scaled by the service's own
 * dispersion (quasi-likelihood: the mean G/df of its baseline windows, at least 1) and judged with an
 * F tail, whose second degrees of freedom are those the dispersion was estimated from. Under an
 * unchanged mix a window then rejects at about its nominal rate however bursty the service; the
 * window's tests share one family-wise rate (Bonferroni over the services tested, see judgeMix).
 *
 * As with the span signals, a window is tested pooled with the service's previous windows: at least
 * POOLED_WINDOWS of them, and as many more (up to MAX_POOLED_WINDOWS) as a quiet service needs to
 * reach MIN_POOLED_RECORDS records (a few dozen lines cannot tell a vanished line from chance). A
 * window is learned only QUARANTINE_WINDOWS later (or as many windows as a test pools, if more) if no
 * test of the service was significant meanwhile, so the thin first windows of a fault do not teach
 * the baseline that it is normal. The baseline forgets with the spans' half-life, so drift becomes normal.
 *
 * A template takes part in the test only once it appeared in at least as many learned windows as the
 * warm-up asks of a service: a line written in one burst (callers retrying while a dependency
 * restarts) says nothing about what the next window should hold, and its absence is no evidence.
 */

/**
 * Fewest records a pooled test should rest on: enough to see a medium change of the mix (Cohen's
 * w = 0.3) with power 0.8 at the per-service level of a 0.001 family over a dozen services (about
 * 1e-4: noncentrality 30 over w^2 = 0.09 gives 330). A quiet service pools more windows to get there.
 */
export const MIN_POOLED_RECORDS = 330;
/** Most windows one test pools (2 min at 10 s windows): a quieter service is tested on what it has. */
export const MAX_POOLED_WINDOWS = 12;
/**
 * A template expected fewer times than this in a window is pooled with the rest (Cochran's rule for
 * the chi-square approximation: no expected count below 1).
 */
export const MIN_EXPECTED = 1;
/** Fewest records in a window for a test: fewer cannot fill two categories by Cochran's rule. */
export const MIN_RECORDS = 5;
/** Templates remembered per service (the least weighty forgotten first). */
const MAX_TEMPLATES = 1000;
/** A template whose decayed count fell below this is forgotten (unseen for about ten half-lives). */
const FORGET_BELOW = 1e-3;
/** Cap of the dispersion's degrees of freedom: beyond it the F tail is the chi-square tail. */
const MAX_DISPERSION_DF = 10_000;
/** Changed templates named in the evidence. */
const MAX_CHANGES = 3;

/** One service's baseline template mix. Its per-template tables are Maps (see `WindowCounts`), objects in checkpoints. */
export interface MixHistory {
  /** Decayed record count per template id over learned windows. */
  counts: Map<string, number>;
  /** Decayed total of `counts`. */
  total: number;
  /** Windows learned since each template in `counts` entered the baseline. */
  ages: Map<string, number>;
  /** Learned windows in which each template in `counts` appeared (absent in older checkpoints: `ages` stands in). */
  present?: Map<string, number>;
  /** Index of the last significant test: later tests pool only windows after it, so they are independent of it. */
  since?: number;
  /** Windows the latest test pooled: a window waits at least that long before it is learned. */
  span?: number;
  /** First window pooled by the first significant test of the current streak: when the shift began. */
  onset?: number;
  /**
   * Decayed records of the service over the windows since each template entered the baseline: a
   * template's share is its count over its own exposure, so one that appeared an hour into the
   * history is not taken as rarer than it is.
   */
  exposure: Map<string, number>;
  /** Windows learned (not decayed): the warm-up gate. */
  windows: number;
  /** Decayed sums over tested, learned windows of G/df, of their weight and of df: the dispersion estimate. */
  dispersionSum: number;
  dispersionWeight: number;
  dispersionDf: number;
  /** Significant tests in a row (windows still pooling towards their test neither extend nor break it). */
  streak: number;
  /** Template text per id in `counts`, for the evidence of a template that vanished. */
  texts: Map<string, string>;
  /** The latest windows' counts, pooled into the next test. */
  recent: { index: number; counts: WindowCounts }[];
  /** Windows waiting out the quarantine before they are learned, oldest first, with their pooled test. */
  pending: { index: number; counts: WindowCounts; g: number; df: number; tested: boolean }[];
}

/**
 * One window's records per template id. A Map, not an object: a window's ids arrive in an order of
 * their own, so objects of that kind each had a layout of their own, and every record's count and
 * every walk over a window's ids at its close went through V8's slow, generic property paths.
 */
export type WindowCounts = ReadonlyMap<string, number>;

/** A MixHistory as checkpoints hold it (JSON): its tables and window counts as objects, in the same order. */
export type MixHistoryState = Omit<MixHistory, "counts" | "ages" | "present" | "exposure" | "texts" | "recent" | "pending"> & {
  counts: Record<string, number>;
  ages: Record<string, number>;
  present?: Record<string, number>;
  exposure: Record<string, number>;
  texts: Record<string, string>;
  recent: { index: number; counts: Record<string, number> }[];
  pending: { index: number; counts: Record<string, number>; g: number; df: number; tested: boolean }[];
};

export function mixHistoryState(h: MixHistory): MixHistoryState {
  const { present, ...rest } = h;
  // Spread, then replaced in place: the checkpoint keeps the history's key order.
  return {
    ...(present === undefined ? rest : h),
    counts: Object.fromEntries(h.counts),
    ages: Object.fromEntries(h.ages),
    ...(present === undefined ? {} : { present: Object.fromEntries(present) }),
    exposure: Object.fromEntries(h.exposure),
    texts: Object.fromEntries(h.texts),
    recent: h.recent.map((r) => ({ ...r, counts: Object.fromEntries(r.counts) })),
    pending: h.pending.map((w) => ({ ...w, counts: Object.fromEntries(w.counts) })),
  };
}

export function mixHistoryFrom(state: MixHistoryState): MixHistory {
  const { present, ...rest } = state;
  const entries = <T>(table: Record<string, T>) => new Map(Object.entries(table));
  return {
    ...(present === undefined ? rest : state),
    counts: entries(state.counts),
    ages: entries(state.ages),
    ...(present === undefined ? {} : { present: entries(present) }),
    exposure: entries(state.exposure),
    texts: entries(state.texts),
    recent: state.recent.map((r) => ({ ...r, counts: entries(r.counts) })),
    pending: state.pending.map((w) => ({ ...w, counts: entries(w.counts) })),
  };
}

/** A window without records in the mix. */
export const NO_COUNTS: WindowCounts = new Map();
const NO_TEXTS: ReadonlyMap<string, string> = new Map();

export function newMixHistory(): MixHistory {
  return {
    counts: new Map(),
    total: 0,
    ages: new Map(),
    present: new Map(),
    exposure: new Map(),
    windows: 0,
    dispersionSum: 0,
    dispersionWeight: 0,
    dispersionDf: 0,
    streak: 0,
    texts: new Map(),
    recent: [],
    pending: [],
  };
}

/**
 * Window `index`'s counts pooled with the service's previous windows (remembered here): the latest
 * POOLED_WINDOWS windows or more, as many as it takes to hold MIN_POOLED_RECORDS records (at most
 * MAX_POOLED_WINDOWS), only windows after the last significant test. Null while the windows since
 * that test are still too few: the next test must be independent of it.
 */
export function pooledMix(h: MixHistory, index: number, counts: WindowCounts): Map<string, number> | null {
  const floor = Math.max(index - MAX_POOLED_WINDOWS, h.since ?? Number.NEGATIVE_INFINITY);
  let kept = 0;
  for (const r of h.recent) if (r.index > floor && r.index < index) h.recent[kept++] = r;
  h.recent.length = kept;
  // The window is closed: its counts never change again, so the history keeps them without a copy.
  h.recent.push({ index, counts });
  // Newest first, each window's counts join the pool until it is long and large enough (integer
  // counts: the order they are summed in changes nothing). A Map, since a new object per test that
  // gains its keys one by one is slow in V8.
  const pooled = new Map<string, number>();
  let from = -1;
  let records = 0;
  for (let k = h.recent.length - 1; k >= 0 && from < 0; k--) {
    const r = h.recent[k];
    for (const [id, n] of r.counts) {
      records += n;
      pooled.set(id, (pooled.get(id) ?? 0) + n);
    }
    if (index - r.index + 1 >= POOLED_WINDOWS && records >= MIN_POOLED_RECORDS) from = r.index;
  }
  if (from < 0) {
    // Too few records: after a significant test, wait for more windows; otherwise the pool is as long
    // as it may be (every remembered window is in it), and a quiet service is tested on what it has.
    if (floor !== index - MAX_POOLED_WINDOWS) return null;
    from = floor + 1;
  }
  h.span = index - from + 1;
  return pooled;
}

export interface MixChange {
  templateId: string;
  count: number;
  /** Expected count in this window under the baseline mix. */
  expected: number;
}

export interface MixVerdict {
  /** Records in the window. */
  n: number;
  /** G statistic, its degrees of freedom and the dispersion it was scaled by. */
  g: number;
  df: number;
  dispersion: number;
  /** p-value before the window's correction; 1 when not tested. */
  p: number;
  tested: boolean;
  /** Not tested because the windows since the last significant test are still pooling towards the next one. */
  pooling?: true;
  /** Templates the baseline does not know, most frequent first. */
  appeared: MixChange[];
  /** Known templates seen less often than expected (absent, or rarer), by their share of the statistic. */
  vanished: MixChange[];
  /** Known templates seen more often than expected, by their share of the statistic. */
  grown: MixChange[];
}

export function dispersionOf(h: MixHistory): number {
  return h.dispersionWeight > 0 ? Math.max(1, h.dispersionSum / h.dispersionWeight) : 1;
}

function round(x: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Tests a window's template counts against the baseline mix (which excludes this window). */
export function testMix(pooled: ReadonlyMap<string, number> | null, h: MixHistory, minWindows: number): MixVerdict {
  let n = 0;
  if (pooled !== null) for (const count of pooled.values()) n += count;
  const dispersion = dispersionOf(h);
  const verdict: MixVerdict = { n, g: 0, df: 0, dispersion, p: 1, tested: false, appeared: [], vanished: [], grown: [] };
  if (pooled === null) return { ...verdict, pooling: true };
  if (n < MIN_RECORDS || h.windows < minWindows || h.total <= 0 || h.dispersionWeight === 0) return verdict;
  // A template is known once it appeared in as many learned windows as the service must have before
  // any test: a young one's decayed share understates its rate, so it would look grown for an hour,
  // and one seen in a single burst would look vanished for as long.
  const present = h.present ?? h.ages;
  let known = 0;
  const appeared: MixChange[] = [];
  for (const [id, count] of pooled) {
    if ((present.get(id) ?? 0) >= minWindows) known += count;
    else appeared.push({ templateId: id, count, expected: 0 });
  }
  // Each known template's share of the baseline, over its own exposure.
  const ids: string[] = [];
  const sharesOf: number[] = [];
  let shares = 0;
  for (const [id, count] of h.counts) {
    if ((present.get(id) ?? 0) < minWindows) continue;
    const share = count / (h.exposure.get(id) ?? h.total);
    ids.push(id);
    sharesOf.push(share);
    shares += share;
  }
  if (known < MIN_RECORDS || shares <= 0) return verdict;
  const scale = known / shares;
  // The test compares the frequent templates' proportions among themselves (the multinomial given
  // their total). The rare rest is mostly lines written on a timer, not per request (periodic stats,
  // health and config lines): their share grows whenever the service's traffic falls, as when a
  // failure upstream stops its callers from calling it, without anything changing in the service.
  const frequent: { id: string; observed: number; expected: number }[] = [];
  let observedTotal = 0;
  let expectedTotal = 0;
  for (let i = 0; i < ids.length; i++) {
    const expected = sharesOf[i] * scale;
    if (expected < MIN_EXPECTED) continue;
    const observed = pooled.get(ids[i]) ?? 0;
    frequent.push({ id: ids[i], observed, expected });
    observedTotal += observed;
    expectedTotal += expected;
  }
  verdict.appeared = appeared.sort(byCount).slice(0, MAX_CHANGES);
  // Too few of the frequent lines to compare (a service that only ticks its timers): no verdict.
  if (observedTotal < MIN_RECORDS) return verdict;
  let g = 0;
  const categories = frequent.length;
  const grown: RankedChange[] = [];
  const shrunk: RankedChange[] = [];
  for (const { id, observed, expected: unscaled } of frequent) {
    const expected = (unscaled * observedTotal) / expectedTotal;
    const term = observed > 0 ? observed * Math.log(observed / expected) : 0;
    g += term - (observed - expected);
    // Ranked by the template's own deviation, Poisson-style (always >= 0).
    const change = term - (observed - expected);
    if (observed < expected) shrunk.push({ templateId: id, count: observed, expected: round(expected), term: change });
    else if (observed > expected) grown.push({ templateId: id, count: observed, expected: round(expected), term: change });
  }
  g *= 2;
  const df = categories - 1;
  verdict.vanished = strongest(shrunk);
  verdict.grown = strongest(grown);
  if (df < 1) return verdict;
  const d2 = Math.min(MAX_DISPERSION_DF, Math.max(1, h.dispersionDf));
  return { ...verdict, g: round(g), df, p: fisherTail(g / df / dispersion, df, d2), tested: true };
}

type RankedChange = MixChange & { term: number };

function byCount(a: MixChange, b: MixChange): number {
  return b.count - a.count || (a.templateId < b.templateId ? -1 : 1);
}

function byTerm(a: RankedChange, b: RankedChange): number {
  return b.term - a.term || (a.templateId < b.templateId ? -1 : 1);
}

/** The MAX_CHANGES changes that weigh most in the statistic. */
function strongest(list: RankedChange[]): MixChange[] {
  return list
    .sort(byTerm)
    .slice(0, MAX_CHANGES)
    .map(({ templateId, count, expected }) => ({ templateId, count, expected }));
}

/**
 * After window `index`'s (pooled) test: keeps the streak of significant tests, queues the window
 * for learning, and learns the windows whose quarantine is over. A significant test drops the queued
 * windows (they are the fault's onset) and ends the pool: the next test pools only later windows, so
 * it is independent of this one. A window in which the service was failing by other signals (`failing`: its errors) is not
 * learned either, nor are the windows queued before it: the lines a failure writes must not become
 * normal, or their vanishing at recovery would look like a fault. `texts` are the window's template
 * texts by id.
 */
export function recordMix(
  h: MixHistory,
  index: number,
  verdict: MixVerdict,
  significant: boolean,
  halfLife = HALF_LIFE_WINDOWS,
  texts: ReadonlyMap<string, string> = NO_TEXTS,
  failing = false,
): void {
  if (!verdict.pooling) h.streak = significant ? h.streak + 1 : 0;
  if (h.streak === 0) delete h.onset;
  else if (significant && h.streak === 1) h.onset = index - (h.span ?? 1) + 1;
  let own = NO_COUNTS;
  for (const r of h.recent) {
    if (r.index !== index) continue;
    own = r.counts;
    break;
  }
  if (significant) {
    h.pending = [];
    h.since = index;
  } else if (failing) h.pending = [];
  else h.pending.push({ index, counts: own, g: verdict.g, df: verdict.df, tested: verdict.tested });
  // Every test that pools a window must have passed it: a quiet service's pool outlasts the quarantine.
  const wait = Math.max(QUARANTINE_WINDOWS, h.span ?? 0);
  while (h.pending.length > 0 && h.pending[0].index <= index - wait) {
    const w = h.pending.shift() as MixHistory["pending"][number];
    learn(h, w.counts, w, halfLife);
  }
  for (const id of own.keys()) {
    const text = texts.get(id);
    if (h.counts.has(id) && text !== undefined) h.texts.set(id, text);
  }
  for (const [id, text] of texts) if (!h.texts.has(id) && h.counts.has(id)) h.texts.set(id, text);
}

function learn(h: MixHistory, counts: WindowCounts, test: { g: number; df: number; tested: boolean }, halfLife: number): void {
  let n = 0;
  for (const c of counts.values()) n += c;
  if (n === 0) return;
  const keep = Math.pow(0.5, 1 / halfLife);
  for (const [id, count] of h.counts) {
    const c = count * keep;
    if (c < FORGET_BELOW) forget(h, id);
    else h.counts.set(id, c);
  }
  const present = (h.present ??= new Map(h.ages));
  for (const [id, c] of counts) {
    h.counts.set(id, (h.counts.get(id) ?? 0) + c);
    if (c > 0) present.set(id, (present.get(id) ?? 0) + 1);
  }
  for (const id of h.counts.keys()) {
    h.ages.set(id, (h.ages.get(id) ?? 0) + 1);
    h.exposure.set(id, (h.exposure.get(id) ?? 0) * keep + n);
  }
  h.total = h.total * keep + n;
  h.windows += 1;
  if (test.tested) {
    h.dispersionSum = h.dispersionSum * keep + test.g / test.df;
    h.dispersionWeight = h.dispersionWeight * keep + 1;
    h.dispersionDf = h.dispersionDf * keep + test.df;
  } else if (h.dispersionWeight === 0 && h.windows > 1) {
    // Until a window can be tested the dispersion starts at the multinomial's own (G/df = 1).
    h.dispersionSum = 1;
    h.dispersionWeight = 1;
    h.dispersionDf = 1;
  }
  if (h.counts.size > MAX_TEMPLATES) {
    const counts = h.counts;
    const ids = [...counts.keys()].sort((a, b) => (counts.get(a) as number) - (counts.get(b) as number) || (a < b ? -1 : 1));
    for (const id of ids.slice(0, ids.length - MAX_TEMPLATES)) {
      h.total -= counts.get(id) as number;
      forget(h, id);
    }
  }
}

function forget(h: MixHistory, id: string): void {
  h.counts.delete(id);
  h.texts.delete(id);
  h.ages.delete(id);
  h.present?.delete(id);
  h.exposure.delete(id);
}

/**
 * Bonferroni over the services tested in one window: the services whose mix is significant at the
 * window's family-wise rate `alpha`, with their corrected p-values.
 */
export function judgeMix(verdicts: ReadonlyMap<string, MixVerdict>, alpha: number): Map<string, number> {
  let tests = 0;
  for (const v of verdicts.values()) if (v.tested) tests++;
  const significant = new Map<string, number>();
  for (const [service, v] of verdicts) {
    if (v.tested && v.p * tests <= alpha) significant.set(service, Math.min(1, v.p * tests));
  }
  return significant;
}

/**
 * Significant tests in a row that open an incident on the mix alone: each pools only windows after
 * the previous one, so two independent tests rejected (about alpha^2 when nothing changed), and the
 * shift lasted into a second pooled span (not one burst).
 */
export const OPEN_STREAK = 2;

/**
 * The evidence signal of a significant mix. Its weight grows with how far below the family-wise rate
 * the corrected p-value went; before OPEN_STREAK tests in a row it stays below the opening score
 * (0.3: evidence for an incident other signals open), from then on it can open one alone (>= 0.5).
 */
export function mixSignal(v: MixVerdict, correctedP: number, alpha: number, streak: number): Signal {
  const surprise = Math.log10(alpha / Math.max(correctedP, Number.MIN_VALUE));
  const weight = streak >= OPEN_STREAK ? 0.5 + Math.min(0.3, surprise / 20) : 0.3;
  return {
    name: "template_mix",
    weight: round(weight),
    p: Number(correctedP.toPrecision(3)),
    g: v.g,
    df: v.df,
    dispersion: round(v.dispersion, 2),
    records: v.n,
    tests: streak,
    appeared: v.appeared,
    vanished: v.vanished,
    grown: v.grown,
  };
}
