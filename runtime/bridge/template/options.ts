import { z } from "zod";

/** Options of the template miner. One default configuration serves every system. */
export const templateMinerOptionsSchema = z
  .object({
    /**
     * Share of a cluster's constant positions a message must match to join it. Default 0.5,
     * bounds (0, 1]: higher splits templates, lower merges them.
     */
    similarityThreshold: z.number().gt(0).lte(1).default(0.5),
  })
  .strict();

export type TemplateMinerOptions = z.input<typeof templateMinerOptionsSchema>;
export type ResolvedTemplateMinerOptions = z.output<typeof templateMinerOptionsSchema>;
