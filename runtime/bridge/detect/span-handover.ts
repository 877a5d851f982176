import { z } from "zod";
import { spanWindowDetection, type Detection } from "./detection";
import type { SpanDetection } from "./span-detector";

/**
 * One incident per failure when logs and spans run in different pipelines (the bridge: `raw-logs`
 * is partitioned by resource, `raw-spans` by trace id, each partition with its own pipeline). The
 * rule is the one windowed log detections already follow across partitions: a failure's incident
 * belongs to the pipeline that consumes its root cause's logs. So a span pipeline does not open an
 * incident for a root whose logs another pipeline reports (in the context summaries); it hands the
 * detection over in its next window summary, and the owner takes it as if its own spans had found it
 * (opening the incident when the detection is sustained, else adding evidence to the open one).
 * Other pipelines take it only as evidence for an incident they already hold. A root nobody logs for
 * stays with the span pipeline. Local mode and `logclaw replay` run one pipeline: it owns every root
 * it sees logs of, so nothing is handed over there.
 *
 * A span pipeline may judge a window before any summary told it who logs the root (pipelines run at
 * their own pace): it keeps such a detection, as for a root nobody logs, and also offers a copy as
 * evidence only (`evidenceOnly`), which the other pipelines take just to add to an incident they hold.
 *
 * Received detections wait in memory until the receiver's own event time has passed them (a window
 * close, a flush or a wall-clock tick), so a pipeline running behind judges a detection with the
 * windows of its time, not before its own logs show the failure. They are not in the checkpoint: a
 * restart loses those still waiting (see Known gaps in docs/architecture.md). One
 * can arrive after the incident it describes resolved there: it joins that incident as evidence (see
 * `IncidentManager.joinable`).
 */

/** What the pipeline knows when it routes a detection. */
export interface SpanOwnershipView {
  /** This pipeline consumes the service's logs. */
  owns(service: string): boolean;
  /** Some pipeline (this one or another, from the summaries) consumes the service's logs. */
  hasLogged(service: string): boolean;
  /** This pipeline holds an open incident the service belongs to (its span evidence then stays here). */
  hasOpenIncident(service: string): boolean;
  /** The detection would join an open incident here. */
  joins(d: Detection): boolean;
}

/** Most detections waiting either way (a receiver that closes no window meanwhile keeps the latest). */
const MAX_WAITING = 64;

const evidenceSchema = z.object({ signal: z.string(), what: z.string(), surprise: z.number(), detail: z.string() });
const candidateSchema = z.object({ service: z.string(), score: z.number(), evidence: z.array(evidenceSchema) });
const signalSchema = z.object({ name: z.string(), weight: z.number() }).catchall(z.unknown());

/** A span detection as another pipeline's summary carries it (validated: a summary is outside input). */
export const handedOverSpanSchema = z.object({
  evidenceOnly: z.boolean().optional(),
  rootCauseService: z.string().min(1),
  affectedServices: z.array(z.string()),
  candidates: z.array(candidateSchema),
  sustained: z.boolean(),
  family: z.enum(["latency", "span_errors"]),
  templateId: z.string(),
  template: z.string(),
  score: z.number().min(0).max(1),
  signals: z.array(signalSchema),
  traceIds: z.array(z.string()),
  detectedAtMs: z.number().finite(),
  firstSeenMs: z.number().finite(),
});

/** A detection on its way between pipelines: `evidenceOnly` when its sender kept it too. */
export type HandedOverSpan = SpanDetection & { evidenceOnly?: boolean };

export class SpanHandover {
  private outgoing: HandedOverSpan[] = [];
  private incoming: HandedOverSpan[] = [];

  /**
   * This pipeline's own span detection of a closed window: the detection to handle here, or null
   * when there is none or it was queued for the pipeline that owns its root.
   */
  route(d: SpanDetection | null, view: SpanOwnershipView): Detection | null {
    if (d === null) return null;
    const root = d.rootCauseService;
    if (!view.owns(root) && !view.hasOpenIncident(root)) {
      if (view.hasLogged(root)) {
        push(this.outgoing, d);
        return null;
      }
      push(this.outgoing, { ...d, evidenceOnly: true });
    }
    return spanWindowDetection(d, view.joins);
  }

  /** Detections to hand over with the next window summary. */
  takeOutgoing(): HandedOverSpan[] {
    return this.outgoing.splice(0, this.outgoing.length);
  }

  /** Another pipeline's handed-over detections (a summary's `spanDetections`); returns how many were unusable and dropped. */
  receive(list: readonly unknown[]): number {
    let dropped = 0;
    for (const item of list) {
      const parsed = handedOverSpanSchema.safeParse(item);
      if (parsed.success) push(this.incoming, parsed.data);
      else dropped++;
    }
    return dropped;
  }

  /**
   * The received detections this pipeline takes once its event time reached `throughMs` (the end of
   * its last closed window): its roots', and evidence for its incidents. Later ones keep waiting.
   */
  takeIncoming(view: SpanOwnershipView, throughMs: number): Detection[] {
    const taken: Detection[] = [];
    const waiting: HandedOverSpan[] = [];
    for (const d of this.incoming) {
      if (d.detectedAtMs > throughMs) {
        waiting.push(d);
        continue;
      }
      // Evidence for an incident held here; a new incident only for a root whose logs are consumed here.
      const detection = spanWindowDetection(d, view.joins);
      if (detection !== null && (view.joins(detection) || (!d.evidenceOnly && view.owns(d.rootCauseService)))) taken.push(detection);
    }
    this.incoming = waiting;
    return taken;
  }
}

function push(list: HandedOverSpan[], d: HandedOverSpan): void {
  list.push(d);
  if (list.length > MAX_WAITING) list.splice(0, list.length - MAX_WAITING);
}
