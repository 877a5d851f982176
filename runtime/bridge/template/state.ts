import { z } from "zod";
import { templateMinerOptionsSchema } from "./options";

/** One cluster as checkpointed: its stable id, template tokens, separators and size. */
export const clusterStateSchema = z
  .object({
    id: z.string().min(1),
    tokens: z.array(z.string()),
    seps: z.array(z.string()),
    count: z.number().int().positive(),
  })
  .strict()
  .refine((c) => c.tokens.length === c.seps.length, { message: "tokens and seps differ in length" });

/** The exported miner state; `version` guards against restoring an incompatible layout. */
export const minerStateSchema = z
  .object({
    version: z.literal(1),
    options: templateMinerOptionsSchema,
    clusters: z.array(clusterStateSchema),
  })
  .strict();

export type ClusterState = z.output<typeof clusterStateSchema>;
export type MinerState = z.output<typeof minerStateSchema>;
