import { z } from "zod";
import type { ServiceHistory, ServiceWindow } from "../detect/window";
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
  windows: z.array(z.tuple([z.number().int(), z.record(z.string(), z.custom<ServiceWindow>((v) => typeof v === "object" && v !== null))])),
  history: z.record(z.string(), z.custom<ServiceHistory>((v) => typeof v === "object" && v !== null)),
  graph: z.object({
    services: z.array(z.string()),
    edges: z.array(z.tuple([z.string(), z.string(), z.number()])),
  }),
  incidents: z.array(z.custom<TrackedIncident>((v) => typeof v === "object" && v !== null && "incident" in v)),
  miner: z.unknown(),
});

export type PipelineState = z.output<typeof pipelineStateSchema>;
