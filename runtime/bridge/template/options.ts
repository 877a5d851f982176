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
    /**
     * Clusters kept. Default 20,000, bounds [10, 10,000,000]; beyond it the tenth joined least
     * recently is dropped, so a stream of ever-new messages cannot grow the miner without bound.
     */
    maxClusters: z.number().int().min(10).max(10_000_000).default(20_000),
    maxValueVocabulary: z.number().int().min(0).max(1_000_000).default(10_000),
    /**
     * Clusters that must already differ from a new message in one and the same word position
     * only before that position counts as a parameter. Default 3, bounds [2, 1000].
     */
    siblingsBeforeMerge: z.number().int().min(2).max(1000).default(3),
    /**
     * Words (constant positions) such sibling clusters must share with the message, and that a
     * message must have to join a cluster with another parameter count, so that short messages
     * do not merge on one or two common words. Default 3, bounds [1, 100].
     */
    minSiblingConstants: z.number().int().min(1).max(100).default(3),
  })
  .strict();

export type TemplateMinerOptions = z.input<typeof templateMinerOptionsSchema>;
export type ResolvedTemplateMinerOptions = z.output<typeof templateMinerOptionsSchema>;
