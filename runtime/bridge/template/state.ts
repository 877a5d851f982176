import { z } from "zod";
import { templateMinerOptionsSchema } from "./options";

/** One cluster as checkpointed: stable id, matching keys and rendered fragments, size. */
export const clusterStateSchema = z
  .object({
    id: z.string().min(1),
    keys: z.array(z.string()),
    renders: z.array(z.string()),
    count: z.number().int().positive(),
    /** Message count when it was last joined (eviction order); absent in older checkpoints. */
    lastSeen: z.number().int().nonnegative().optional(),
  })
  .strict()
  .refine((c) => c.keys.length === c.renders.length, { message: "keys and renders differ in length" });

/** The exported miner state; `version` guards against restoring an incompatible layout. */
export const minerStateSchema = z
  .object({
    version: z.literal(1),
    options: templateMinerOptionsSchema,
    /** Messages added so far; absent in older checkpoints. */
    tick: z.number().int().nonnegative().optional(),
    /** Clusters in creation order (ties in matching go to the oldest). */
    clusters: z.array(clusterStateSchema),
    /** Message shapes already routed, as [shape, index into clusters]. */
    shapes: z.array(z.tuple([z.string(), z.number().int().nonnegative()])),
    /** Words observed as parameter values, oldest first. */
    valueVocabulary: z.array(z.string()),
  })
  .strict()
  .refine((s) => s.shapes.every(([, i]) => i < s.clusters.length), { message: "shape points past the clusters" });

export type ClusterState = z.output<typeof clusterStateSchema>;
export type MinerState = z.output<typeof minerStateSchema>;
