import { describe, expect, it } from "vitest";
import { logIndexName, logSearchBody, retentionPolicy, spanIndexName } from "../../../runtime/store/opensearch";

describe("logIndexName", () => {
  it("names the index by the UTC day of @timestamp", () => {
    expect(logIndexName("2026-11-22T23:59:59.999Z")).toBe("logclaw-logs-2026.11.22");
    expect(logIndexName("2026-11-23T01:30:00+03:00")).toBe("logclaw-logs-2026.11.22");
  });

  it("refuses a value that is not a timestamp", () => {
    expect(() => logIndexName("yesterday")).toThrow("not a timestamp: yesterday");
  });

  it("names span indices the same way under their own prefix", () => {
    expect(spanIndexName("2026-11-22T23:59:59.999Z")).toBe("logclaw-spans-2026.11.22");
  });
});

describe("retentionPolicy", () => {
  it("deletes log indices once older than the retention", () => {
    const { policy } = retentionPolicy("logs", 7);
    expect(policy.states[0]?.transitions).toEqual([{ state_name: "delete", conditions: { min_index_age: "7d" } }]);
    expect(policy.states[1]?.actions).toEqual([{ delete: {} }]);
    expect(policy.ism_template).toEqual([{ index_patterns: ["logclaw-logs-*"], priority: 100 }]);
  });

  it("deletes span indices after the same retention, under their own policy", () => {
    const { policy } = retentionPolicy("spans", 7);
    expect(policy.description).toBe("Delete LogClaw span indices after 7 days");
    expect(policy.states[0]?.transitions).toEqual([{ state_name: "delete", conditions: { min_index_age: "7d" } }]);
    expect(policy.ism_template).toEqual([{ index_patterns: ["logclaw-spans-*"], priority: 100 }]);
  });

  it("rejects a retention that is not a positive whole number of days", () => {
    expect(() => retentionPolicy("logs", 0)).toThrow("retentionDays must be a positive integer (got 0)");
    expect(() => retentionPolicy("spans", 1.5)).toThrow("retentionDays");
  });
});

describe("logSearchBody", () => {
  it("combines every filter and sorts newest first", () => {
    const body = logSearchBody({
      q: "refused",
      service: "api",
      severity: "error",
      from: "2026-11-22T00:00:00Z",
      traceIds: ["a".repeat(32)],
      limit: 5000,
    });
    expect(body.size).toBe(1000);
    expect(body.sort[0]).toEqual({ "@timestamp": { order: "desc" } });
    expect(body.query.bool.must).toEqual([{ match: { message: { query: "refused", operator: "and" } } }]);
    expect(body.query.bool.filter).toEqual([
      { term: { service: "api" } },
      { term: { severity_text: "error" } },
      { range: { "@timestamp": { gte: "2026-11-22T00:00:00Z" } } },
      { terms: { trace_id: ["a".repeat(32)] } },
    ]);
  });
});
