import { z } from "zod";

/** Options of the template miner. One default configuration serves every system. */
export const templateMinerOptionsSchema = z
  .object({
    /**
     * Distinct message shapes remembered for the exact-shape fast path (and checkpointed).
     * Default 50,000, bounds [1, 10,000,000]; when full the memory restarts empty, which only
     * costs a slower lookup for the shapes seen again.
     */
    maxShapes: z.number().int().min(1).max(10_000_000).default(50_000),
    /**
     * Words remembered as observed parameter values (key=value values, user names). Default
     * 10,000, bounds [0, 1,000,000]; 0 disables merging on word differences.
     */
    maxValueVocabulary: z.number().int().min(0).max(1_000_000).default(10_000),
  })
  .strict();

export type TemplateMinerOptions = z.input<typeof templateMinerOptionsSchema>;
export type ResolvedTemplateMinerOptions = z.output<typeof templateMinerOptionsSchema>;
