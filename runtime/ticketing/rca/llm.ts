import OpenAI, { AzureOpenAI } from "openai";

/** The tenant's `llm` block resolved with its key: everything needed to build a client. */
export interface LlmSettings {
  provider: "openai" | "azure-openai" | "openai-compatible";
  model: string;
  /** Required for azure-openai (the resource endpoint) and openai-compatible (e.g. http://ollama:11434/v1). */
  baseUrl?: string;
  apiVersion?: string;
  apiKey: string | null;
  /** Per request. */
  timeoutMs: number;
  /** SDK retries on 408/409/429/5xx and connection errors, with backoff honouring Retry-After. Default 2. */
  maxRetries?: number;
}

export function createLlmClient(settings: LlmSettings): OpenAI {
  const common = { timeout: settings.timeoutMs, maxRetries: settings.maxRetries ?? 2 };
  if (settings.provider === "azure-openai") {
    return new AzureOpenAI({
      ...common,
      endpoint: settings.baseUrl,
      apiKey: settings.apiKey ?? undefined,
      apiVersion: settings.apiVersion,
      deployment: settings.model,
    });
  }
  return new OpenAI({
    ...common,
    baseURL: settings.baseUrl,
    // Ollama and vLLM accept any key; the SDK insists on one.
    apiKey: settings.apiKey ?? "unused",
  });
}

/** One chat completion asking for a JSON object; returns the raw text of the answer. */
export async function completeJson(client: OpenAI, model: string, system: string, user: string): Promise<string> {
  const completion = await client.chat.completions.create({
    model,
    temperature: 0,
    response_format: { type: "json_object" },
    messages: [
      { role: "system", content: system },
      { role: "user", content: user },
    ],
  });
  return completion.choices[0]?.message?.content ?? "";
}
