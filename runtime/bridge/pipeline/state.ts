import { z } from "zod";
import type { ServiceHistoryState, ServiceWindowState } from "../detect/window";
import type { TrackedIncident } from "../lifecycle";

export const PIPELINE_STATE_VERSION = 1;

/**
 * The checkpoint of a pipeline (`exportState()`): baselines, open windows, the learned call graph,
 * open and recently resolved incidents and the miner's state. JSON-serializable; restoring it keeps
 * baselines and does not re-open incidents. Recent traces are not kept: they only matter for minutes.
 */
export const pipelineStateSchema = z.object({
  version: z.literal(PIPELINE_STATE_VERSION),
  tenantId: z.string(),
  maxEventMs: z.number().nullable(),
  closedThrough: z.number().int().nullable(),
  /** Received time of the latest live request (absent in state files of older versions). */
  lastReceivedMs: z.number().nullable().optional(),
  /** How late records have been arriving (absent in state files of older versions). */
  lateness: z.array(z.number()).optional(),
  windows: z.array(z.tuple([z.number().int(), z.record(z.string(), z.custom<ServiceWindowState>((v) => typeof v === "object" && v !== null))])),
  history: z.record(z.string(), z.custom<ServiceHistoryState>((v) => typeof v === "object" && v !== null)),
  graph: z.object({
    services: z.array(z.string()),
    edges: z.array(z.tuple([z.string(), z.string(), z.number()])),
  }),
  incidents: z.array(z.custom<TrackedIncident>((v) => typeof v === "object" && v !== null && "incident" in v)),
  miner: z.unknown(),
});

export type PipelineState = z.output<typeof pipelineStateSchema>;

/**
 * A checkpoint whose event clock lies beyond what any record may claim now (written before records'
 * times were bounded: one record dated 2100 moved it there) is brought back to `nowMs`: windows and
 * evidence times beyond the bound are dropped or clamped, so windows close and incidents resolve on
 * time again. Returns null when the state is sane. Learned baselines and templates are kept.
 */
export function repairEventClock(
  state: PipelineState,
  nowMs: number,
  tuning: { windowMs: number; maxEventAheadMs: number },
): { state: PipelineState; was: number } | null {
  const limitMs = nowMs + tuning.maxEventAheadMs;
  if (state.maxEventMs === null || state.maxEventMs <= limitMs) return null;
  const lastIndex = Math.floor(limitMs / tuning.windowMs);
  const clamp = (ms: number) => Math.min(ms, nowMs);
  const repaired: PipelineState = {
    ...state,
    maxEventMs: nowMs,
    closedThrough: Math.floor(nowMs / tuning.windowMs) - 1,
    lastReceivedMs: nowMs,
    windows: state.windows.filter(([index]) => index <= lastIndex),
    history: Object.fromEntries(
      Object.entries(state.history).map(([service, h]) => [
        service,
        {
          ...h,
          firstSeenMs: clamp(h.firstSeenMs),
          templates: Object.fromEntries(
            Object.entries(h.templates).map(([id, t]) => [id, { ...t, firstSeenMs: clamp(t.firstSeenMs), window: Math.min(t.window, lastIndex) }]),
          ),
        },
      ]),
    ),
    incidents: state.incidents.map((t) => ({
      ...t,
      openedAtMs: clamp(t.openedAtMs),
      lastEvidenceMs: clamp(t.lastEvidenceMs),
      resolvedAtMs: t.resolvedAtMs === null ? null : clamp(t.resolvedAtMs),
    })),
  };
  return { state: repaired, was: state.maxEventMs };
}
