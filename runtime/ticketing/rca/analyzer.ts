import OpenAI from "openai";
import type { Logger } from "pino";
import type { Incident } from "../../../contracts/records";
import type { Evidence } from "../evidence";
import type { TicketingMetrics } from "../metrics";
import type { TextRedactor } from "../../bridge/redact";
import type { RootCauseAnalysis } from "../../../contracts/tickets";
import { CircuitBreaker } from "./breaker";
import { completeJson, createLlmClient, type LlmSettings } from "./llm";
import { buildRcaPrompt, SYSTEM_PROMPT } from "./prompt";
import { ruleBasedRca } from "./rules";
import { llmAnswerSchema } from "./schema";

export interface RcaEngineOptions {
  /** Null: rule-based only. */
  llm: LlmSettings | null;
  redact: TextRedactor;
  metrics: TicketingMetrics;
  logger: Logger;
  now: () => Date;
  /** Consecutive failures that open the circuit. Default 3. */
  breakerThreshold?: number;
  /** How long the circuit stays open. Default 60 s. */
  breakerCooldownMs?: number;
}

/** Strips a Markdown code fence some models wrap JSON in despite `response_format`. */
function unfence(text: string): string {
  const match = /^\s*```(?:json)?\s*([\s\S]*?)\s*```\s*$/.exec(text);
  return match ? match[1]! : text;
}

function classify(err: unknown): string {
  if (err instanceof OpenAI.APIConnectionTimeoutError) return "timeout";
  if (err instanceof OpenAI.APIError && err.status !== undefined) return `http_${err.status}`;
  if (err instanceof OpenAI.APIConnectionError) return "connection";
  return "error";
}

/** Root-cause analysis: the tenant's LLM when configured and healthy, the deterministic rules otherwise. */
export class RcaEngine {
  private readonly client: OpenAI | null;
  private readonly breaker: CircuitBreaker;

  constructor(private readonly options: RcaEngineOptions) {
    this.client = options.llm ? createLlmClient(options.llm) : null;
    this.breaker = new CircuitBreaker(options.breakerThreshold ?? 3, options.breakerCooldownMs ?? 60_000);
  }

  async analyze(incident: Incident, evidence: Evidence): Promise<RootCauseAnalysis> {
    const { llm, redact, metrics, logger } = this.options;
    const generatedAt = this.options.now().toISOString();
    const fallback = (reason: string | null): RootCauseAnalysis => {
      metrics.rca.inc({ source: "rules", reason: reason ?? "no_llm" });
      return ruleBasedRca(incident, evidence, redact, generatedAt, reason);
    };
    if (!llm || !this.client) return fallback(null);

    const nowMs = this.options.now().getTime();
    if (!this.breaker.allow(nowMs)) {
      metrics.llmCircuitOpen.set({ provider: llm.provider }, 1);
      return fallback("circuit_open");
    }
    let text: string;
    try {
      text = await completeJson(this.client, llm.model, SYSTEM_PROMPT, buildRcaPrompt(incident, evidence, redact));
    } catch (err) {
      const reason = classify(err);
      this.breaker.fail(this.options.now().getTime());
      metrics.llmCircuitOpen.set({ provider: llm.provider }, this.breaker.isOpen(this.options.now().getTime()) ? 1 : 0);
      logger.warn({ err: (err as Error).message, reason, incident: incident.id }, "LLM RCA failed, using rules");
      return fallback(reason);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(unfence(text));
    } catch {
      parsed = undefined;
    }
    const answer = llmAnswerSchema.safeParse(parsed);
    if (!answer.success) {
      // A reachable model answering garbage is a model problem, not an outage: no breaker trip.
      this.breaker.succeed();
      logger.warn({ incident: incident.id }, "LLM RCA malformed, using rules");
      return fallback("malformed");
    }
    this.breaker.succeed();
    metrics.llmCircuitOpen.set({ provider: llm.provider }, 0);
    metrics.rca.inc({ source: "llm", reason: "ok" });
    const a = answer.data;
    // The model may echo a secret it inferred or was shown; answers are redacted like any outgoing text.
    return {
      rootCause: redact(a.rootCause),
      evidence: a.evidence.map(redact),
      affectedServices: a.affectedServices,
      suggestedFix: redact(a.suggestedFix),
      confidence: a.confidence,
      source: "llm",
      model: llm.model,
      fallbackReason: null,
      generatedAt,
    };
  }
}
