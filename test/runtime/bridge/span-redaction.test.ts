import { describe, expect, it } from "vitest";
import { BridgePipeline } from "../../../runtime/bridge";
import { createTemplateMiner } from "../../../runtime/bridge/template";

const at = Date.parse("2026-01-05T08:00:00Z");

function tracesRequest(): string {
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: "service.name", value: { stringValue: "signup" } }, { key: "owner", value: { stringValue: "ops@example.com" } }] },
        scopeSpans: [
          {
            spans: [
              {
                traceId: "a".repeat(32),
                spanId: "b".repeat(16),
                name: "POST /users/alice@example.com",
                kind: 2,
                startTimeUnixNano: `${at}000000`,
                endTimeUnixNano: `${at + 12}000000`,
                attributes: [
                  { key: "http.url", value: { stringValue: "https://api.example.org/login?user=bob&password=hunter2" } },
                  { key: "enduser.id", value: { stringValue: "carol@example.com" } },
                  { key: "http.route", value: { stringValue: "/users/:id" } },
                ],
                status: { code: 2, message: "token=abcdef0123456789abcdef rejected" },
              },
            ],
          },
        ],
      },
    ],
  });
}

describe("spans are redacted like log records before they are stored", () => {
  it("redacts attributes, resource, name and status message with the tenant's rules", () => {
    const pipeline = new BridgePipeline({ tenantId: "t1", miner: createTemplateMiner() });
    const [span] = pipeline.processTraces(tracesRequest(), "json", "test:1", at + 1000).spans ?? [];
    const stored = JSON.stringify(span);
    for (const secret of ["alice@example.com", "carol@example.com", "ops@example.com", "hunter2", "abcdef0123456789abcdef"]) expect(stored).not.toContain(secret);
    expect(span?.attributes["http.route"]).toBe("/users/:id");
    expect(span?.name).toMatch(/^POST \/users\/\[REDACTED:email\]$/);
    expect(span?.resource["service.name"]).toBe("signup");
  });

  it("keeps them as sent when the tenant turned redaction off", () => {
    const pipeline = new BridgePipeline({ tenantId: "t1", miner: createTemplateMiner(), redaction: { enabled: false, rules: [], extraPatterns: [] } });
    const [span] = pipeline.processTraces(tracesRequest(), "json", "test:1", at + 1000).spans ?? [];
    expect(span?.attributes["enduser.id"]).toBe("carol@example.com");
  });
});
