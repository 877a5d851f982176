import { describe, expect, it } from "vitest";
import { EVENT_TIME_BOUNDS } from "../../../contracts/event-time";
import { retentionMinIndexAge } from "../../../contracts/opensearch/retention";
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
  it("deletes a log index only once the retention passed since the last record it can receive", () => {
    const { policy } = retentionPolicy("logs", 7);
    expect(policy.states[0]?.transitions).toEqual([{ state_name: "delete", conditions: { min_index_age: "361h" } }]);
    expect(policy.states[1]?.actions).toEqual([{ delete: {} }]);
    expect(policy.ism_template).toEqual([{ index_patterns: ["logclaw-logs-*"], priority: 100 }]);
  });

  it("never deletes a record before its retention counted from when it was received", () => {
    const HOUR = 3_600_000;
    const DAY = 24 * HOUR;
    const received = Date.UTC(2026, 5, 10, 13, 0, 0);
    for (const retentionDays of [1, 7, 30, 365]) {
      const ageMs = Number(/^(\d+)h$/.exec(retentionMinIndexAge(retentionDays))![1]) * HOUR;
      // Every own timestamp the event-time bounds still believe, from 7 days behind to 5 minutes ahead.
      for (let offset = -EVENT_TIME_BOUNDS.maxBehindMs; offset <= EVENT_TIME_BOUNDS.maxAheadMs; offset += HOUR / 4) {
        const dayStart = Math.floor((received + offset) / DAY) * DAY;
        // The earliest its index can exist: an earlier record of that day, dated ahead by the full skew.
        const earliestCreation = dayStart - EVENT_TIME_BOUNDS.maxAheadMs;
        expect(earliestCreation + ageMs).toBeGreaterThanOrEqual(received + retentionDays * DAY);
      }
    }
  });

  it("deletes span indices after the same retention, under their own policy", () => {
    const { policy } = retentionPolicy("spans", 7);
    expect(policy.description).toBe("Delete LogClaw span indices 7 days after their last record was received");
    expect(policy.states[0]?.transitions).toEqual([{ state_name: "delete", conditions: { min_index_age: "361h" } }]);
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
