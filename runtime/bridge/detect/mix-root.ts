import type { Signal } from "../../../contracts/records";
import type { Detection } from "./detection";
import type { SpanDetection } from "./span-detector";

/**
 * Where a change of log pattern alone points. A template-mix shift has no location of its own: it
 * moves in every service whose callers changed what they ask for (a client waiting on a slow login
 * sends fewer bookings, an upstream retries), while errors a service logs and its spans' latency are
 * its own. So a detection whose only evidence is the mix (family `template_mix`, no error in the
 * root's window) is rooted where the same window's evidence is strongest across both kinds: when the
 * window's spans are anomalous and their top candidate's strongest test is more surprising than the
 * mix test, that candidate becomes the root and the mix's service an affected one. Both p-values are
 * family-wise over their window (Bonferroni over the services tested, over the span tests), so each
 * is the chance that a window without a fault shows a result that extreme among its own tests: the
 * smaller one is the better-supported location. The detection then reads as the span finding (its
 * family, template and fingerprint), with the mix's service and signal kept as evidence. Unsustained
 * span anomalies count here, since the mix
 * detection already passed its own opening gate (two independent significant tests): they only say
 * where, not whether. Only a detection that would open an incident is rooted so: when the mix's
 * service is already part of an open incident (`held`), its change of pattern is that incident's
 * (a failing service's lines shifting, or shifting back as it recovers) and joins it as before.
 */
export function rootMixOnly(d: Detection, span: SpanDetection | null, held: boolean): Detection {
  if (held || span === null || d.family !== "template_mix" || (d.errorCount ?? 0) > 0) return d;
  const root = span.rootCauseService;
  if (root === d.rootCauseService) return d;
  const mixP = pOf(d.signals.find((s) => s.name === "template_mix"));
  const spanP = Math.min(...span.signals.map(pOf));
  if (!(spanP < mixP)) return d;
  return {
    ...d,
    rootCauseService: root,
    // Named, titled and fingerprinted by what was found at the root, so a later span detection of it is the same incident.
    family: span.family,
    templateId: span.templateId,
    template: span.template,
    affectedServices: [...new Set([...d.affectedServices, d.rootCauseService, ...span.affectedServices])].filter((s) => s !== root).sort(),
    signals: [...d.signals, ...span.signals],
    traceIds: [...new Set([...span.traceIds, ...d.traceIds])],
    candidates: span.candidates,
  };
}

function pOf(s: Signal | undefined): number {
  return s !== undefined && typeof s.p === "number" && Number.isFinite(s.p) ? s.p : Number.POSITIVE_INFINITY;
}
