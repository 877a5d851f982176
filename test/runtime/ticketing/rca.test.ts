import pino from "pino";
import { Registry } from "prom-client";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { outgoingRedactor } from "../../../runtime/bridge/redact";
import { createTicketingMetrics, gatherEvidence, RcaEngine, type LlmSettings } from "../../../runtime/ticketing";
import { FakeLlm, GOOD_ANSWER } from "../../support/platforms";
import { makeIncident, makeLog, MemoryLogStore, TestClock } from "./fixtures";

const logs = new MemoryLogStore([
  makeLog("log-1", { message: "pool exhausted: 50/50 connections busy, token=sk-abcdefghijklmnopqrstuvwx" }),
  makeLog("log-2", { service: "checkout", message: "payments call failed for card 4111 1111 1111 1111" }),
  makeLog("log-cart", { service: "cart", "@timestamp": "2026-11-22T02:58:00.000Z", trace_id: null, message: "cart could not reach checkout" }),
]);

function engine(llm: LlmSettings | null, clock = new TestClock()) {
  const registry = new Registry();
  const metrics = createTicketingMetrics(registry);
  const rca = new RcaEngine({
    llm,
    redact: outgoingRedactor(),
    metrics,
    logger: pino({ level: "silent" }),
    now: clock.now,
    breakerThreshold: 2,
    breakerCooldownMs: 30_000,
  });
  return { rca, registry, clock };
}

describe("root-cause analysis", () => {
  let llm: FakeLlm;
  let settings: LlmSettings;

  beforeEach(async () => {
    llm = await new FakeLlm("sk-test-key").start();
    settings = { provider: "openai-compatible", model: "llama3.1", baseUrl: `${llm.url}/v1`, apiKey: "sk-test-key", timeoutMs: 1000, maxRetries: 0 };
  });

  afterEach(async () => {
    await llm.close();
  });

  it("gathers bounded evidence: samples, trace logs and the blast radius", async () => {
    const evidence = await gatherEvidence(logs, makeIncident(), { samples: 1, traceLogs: 5, blastServices: 5, perService: 5, messageChars: 20, lookbackMs: 5 * 60_000 });
    expect(evidence.samples).toHaveLength(1);
    expect(evidence.samples[0]!.message).toHaveLength(21);
    expect(evidence.traceLogs.map((l) => l.id).sort()).toEqual(["log-1", "log-2"]);
    expect(Object.keys(evidence.blastRadius)).toEqual(["payments", "cart"]);
    expect(evidence.blastRadius.cart!.map((l) => l.id)).toEqual(["log-cart"]);
  });

  it("asks the LLM with the evidence in the prompt and no secret or personal data", async () => {
    const { rca, registry } = engine(settings);
    const incident = makeIncident();
    const result = await rca.analyze(incident, await gatherEvidence(logs, incident));
    expect(result).toMatchObject({ ...GOOD_ANSWER, source: "llm", model: "llama3.1", fallbackReason: null });
    expect(llm.rejected).toEqual([]);
    const [prompt] = llm.prompts;
    expect(prompt).toContain("Signals:");
    expect(prompt).toContain("error_burst");
    expect(prompt).toContain("upstream payments timed out after 2000 ms");
    expect(prompt).toContain("pool exhausted: 50/50 connections busy");
    expect(prompt).toContain("cart could not reach checkout");
    for (const secret of ["hunter2", "alice@example.com", "sk-abcdefghijklmnopqrstuvwx", "4111 1111 1111 1111"]) {
      expect(llm.requests[0]!.rawBody).not.toContain(secret);
    }
    expect(llm.requests[0]!.body).toMatchObject({ model: "llama3.1", temperature: 0, response_format: { type: "json_object" } });
    expect(await registry.getSingleMetricAsString("logclaw_ticketing_rca_total")).toContain('source="llm",reason="ok"} 1');
  });

  it("accepts an answer wrapped in a code fence", async () => {
    llm.mode = "fenced";
    const { rca } = engine(settings);
    expect((await rca.analyze(makeIncident(), await gatherEvidence(logs, makeIncident()))).source).toBe("llm");
  });

  it.each(["malformed", "wrong-shape"] as const)("falls back to the rules on a %s answer", async (mode) => {
    llm.mode = mode;
    const { rca } = engine(settings);
    const result = await rca.analyze(makeIncident(), await gatherEvidence(logs, makeIncident()));
    expect(result).toMatchObject({ source: "rules", fallbackReason: "malformed" });
    expect(result.rootCause).toContain("requests in payments timed out");
  });

  it("falls back to the rules when the LLM is too slow, then stops calling it while the circuit is open", async () => {
    llm.faults.push({ hang: true }, { hang: true });
    const { rca, clock, registry } = engine({ ...settings, timeoutMs: 200 });
    const incident = makeIncident();
    const evidence = await gatherEvidence(logs, incident);
    expect((await rca.analyze(incident, evidence)).fallbackReason).toBe("timeout");
    expect((await rca.analyze(incident, evidence)).fallbackReason).toBe("timeout");
    expect((await rca.analyze(incident, evidence)).fallbackReason).toBe("circuit_open");
    expect(llm.requests).toHaveLength(2);
    expect(await registry.getSingleMetricAsString("logclaw_ticketing_llm_circuit_open")).toContain('provider="openai-compatible"} 1');

    clock.advance(30_000);
    const healed = await rca.analyze(incident, evidence);
    expect(healed.source).toBe("llm");
    expect(llm.requests).toHaveLength(3);
  });

  it("falls back on a server error and retries through the SDK first", async () => {
    llm.faults.push({ status: 500 }, { status: 500 });
    const { rca } = engine({ ...settings, maxRetries: 1 });
    const result = await rca.analyze(makeIncident(), await gatherEvidence(logs, makeIncident()));
    expect(result).toMatchObject({ source: "rules", fallbackReason: "http_500" });
    expect(llm.requests).toHaveLength(2);
  });

  it("speaks the Azure OpenAI dialect: deployment path, api-version, api-key header", async () => {
    const azure = await new FakeLlm("azure-key", true).start();
    try {
      const { rca } = engine({ provider: "azure-openai", model: "gpt-4o-rca", baseUrl: azure.url, apiVersion: "2024-10-21", apiKey: "azure-key", timeoutMs: 1000, maxRetries: 0 });
      const result = await rca.analyze(makeIncident(), await gatherEvidence(logs, makeIncident()));
      expect(result.source).toBe("llm");
      expect(azure.rejected).toEqual([]);
      expect(azure.requests[0]!.path).toBe("/openai/deployments/gpt-4o-rca/chat/completions");
      expect(azure.requests[0]!.query.get("api-version")).toBe("2024-10-21");
    } finally {
      await azure.close();
    }
  });

  it("answers deterministically from the rules when no LLM is configured", async () => {
    const { rca } = engine(null);
    const incident = makeIncident({ family: "oom", rootCauseService: "cart", affectedServices: ["cart", "checkout"] });
    const evidence = await gatherEvidence(logs, incident);
    const a = await rca.analyze(incident, evidence);
    const b = await rca.analyze(incident, evidence);
    expect(a).toEqual(b);
    expect(a).toMatchObject({ source: "rules", fallbackReason: null, affectedServices: ["cart", "checkout"] });
    expect(a.rootCause).toBe("cart ran out of memory and its process was killed or restarted (detected in checkout); the failure spread to checkout.");
    expect(a.evidence.join("\n")).not.toContain("hunter2");
    expect(a.evidence.join("\n")).not.toContain("alice@example.com");
  });
});

describe("redaction", () => {
  it("removes credentials always and personal data per tenant rules", () => {
    const redact = outgoingRedactor({ enabled: true, rules: ["email", "creditCard", "ipAddress"], extraPatterns: ["ACME-\\d{6}"] });
    expect(redact("login bob@acme.io from 10.1.2.3 with password: s3cret, order ACME-123456")).toBe(
      "login [REDACTED:email] from [REDACTED:ip] with password: [REDACTED:password], order [REDACTED:custom]",
    );
    expect(redact("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N")).toBe(
      "Authorization: Bearer [REDACTED:token]",
    );
    expect(redact("api_key=AKIAIOSFODNN7EXAMPLE")).toBe("api_key=[REDACTED:apikey]");
  });

  it("keeps e-mails when the tenant disabled redaction, but never credentials", () => {
    const redact = outgoingRedactor({ enabled: false, rules: [], extraPatterns: [] });
    expect(redact("bob@acme.io password=hunter2")).toBe("bob@acme.io password=[REDACTED:password]");
  });
});
