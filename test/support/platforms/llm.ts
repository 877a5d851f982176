import { FakePlatform, ShapeError, type RecordedRequest, type Reply } from "./server";

export type LlmMode = "ok" | "malformed" | "wrong-shape" | "fenced";

export const GOOD_ANSWER = {
  rootCause: "payments-db ran out of connections; checkout requests time out waiting for a pool slot",
  evidence: ["connection pool exhausted in payments", "checkout timeouts start 2 s later"],
  affectedServices: ["payments", "checkout"],
  suggestedFix: "Raise the payments pool size and find the connection leak",
  confidence: 0.82,
};

/**
 * An OpenAI-compatible chat-completions server (OpenAI, vLLM, Ollama `/v1`) that also answers the
 * Azure OpenAI path (`/openai/deployments/{deployment}/chat/completions?api-version=`, `api-key`
 * header). It checks the request shape and answers per `mode`; slowness comes from `faults`.
 */
export class FakeLlm extends FakePlatform {
  mode: LlmMode = "ok";

  constructor(
    private readonly apiKey: string | null,
    private readonly azure = false,
  ) {
    super();
  }

  /** The user messages received, for prompt assertions. */
  get prompts(): string[] {
    return this.accepted.map((r) => r.body.messages.find((m: { role: string }) => m.role === "user")?.content ?? "");
  }

  protected route(r: RecordedRequest): Reply {
    if (this.azure) {
      if (!/^\/openai\/deployments\/[^/]+\/chat\/completions$/.test(r.path)) throw new ShapeError(`unknown path ${r.path}`, 404);
      if (!r.query.get("api-version")) throw new ShapeError("api-version is required", 400);
      if (r.headers["api-key"] !== this.apiKey) throw new ShapeError("Access denied due to invalid subscription key", 401);
    } else {
      if (r.path !== "/v1/chat/completions") throw new ShapeError(`unknown path ${r.path}`, 404);
      if (this.apiKey && r.headers.authorization !== `Bearer ${this.apiKey}`) throw new ShapeError("Incorrect API key provided", 401);
    }
    if (r.method !== "POST" || typeof r.body !== "object") throw new ShapeError("POST with a JSON body expected", 400);
    const { model, messages } = r.body;
    if (typeof model !== "string" && !this.azure) throw new ShapeError("model is required", 400);
    if (!Array.isArray(messages) || messages.length === 0) throw new ShapeError("messages is required", 400);
    const content =
      this.mode === "ok"
        ? JSON.stringify(GOOD_ANSWER)
        : this.mode === "fenced"
          ? `\`\`\`json\n${JSON.stringify(GOOD_ANSWER)}\n\`\`\``
          : this.mode === "wrong-shape"
            ? JSON.stringify({ cause: "something", confidence: "high" })
            : "I think the database is probably broken, but I am not sure.";
    return {
      status: 200,
      body: {
        id: "chatcmpl-test",
        object: "chat.completion",
        created: 1_700_000_000,
        model: model ?? "deployment",
        choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }],
        usage: { prompt_tokens: 100, completion_tokens: 50, total_tokens: 150 },
      },
    };
  }
}
