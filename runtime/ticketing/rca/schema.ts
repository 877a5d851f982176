import { z } from "zod";

/** The structured answer the LLM must return; anything else falls back to the rule-based RCA. */
export const llmAnswerSchema = z
  .object({
    rootCause: z.string().min(1).max(2000),
    evidence: z.array(z.string().min(1).max(1000)).min(1).max(20),
    affectedServices: z.array(z.string().min(1).max(200)).max(50),
    suggestedFix: z.string().min(1).max(2000),
    confidence: z.number().min(0).max(1),
  })
  .strict();

export type LlmAnswer = z.infer<typeof llmAnswerSchema>;

/** The JSON shape spelled out in the prompt (kept beside the schema so the two cannot drift apart). */
export const LLM_ANSWER_SHAPE = JSON.stringify(z.toJSONSchema(llmAnswerSchema));
