import { describe, expect, it } from "vitest";
import { matchesLogQuery, parseLogQuery } from "../../../runtime/api/log-query";
import { ParamError } from "../../../runtime/api/params";
import { makeLog } from "../ticketing/fixtures";

describe("log query syntax", () => {
  it("parses fields, comparisons, negation, quotes and free text", () => {
    const q = parseLogQuery('service:checkout level>=warn status>=500 http.route:"/api/pay now" -env:test "timeout after" refused');
    expect(q.filters).toEqual([
      { field: { scope: "doc", name: "service" }, op: "eq", value: "checkout", negate: false },
      { field: { scope: "doc", name: "severity_number" }, op: "gte", value: 13, negate: false },
      { field: { scope: "doc", name: "http_status" }, op: "gte", value: 500, negate: false },
      { field: { scope: "any", key: "http.route" }, op: "eq", value: "/api/pay now", negate: false },
      { field: { scope: "doc", name: "environment" }, op: "eq", value: "test", negate: true },
    ]);
    expect(q.terms).toEqual([
      { text: "timeout after", phrase: true, negate: false },
      { text: "refused", phrase: false, negate: false },
    ]);
  });

  it("maps level comparisons onto OpenTelemetry severity-number ranges", () => {
    const bound = (text: string) => parseLogQuery(text).filters[0];
    expect(bound("level>warn")).toMatchObject({ op: "gte", value: 17 });
    expect(bound("level<=info")).toMatchObject({ op: "lte", value: 12 });
    expect(bound("level<error")).toMatchObject({ op: "lt", value: 17 });
    expect(bound("severity:WARNING")).toMatchObject({ op: "eq", value: "warn", field: { name: "severity_text" } });
  });

  it("scopes attribute and resource keys, and key:* tests presence", () => {
    expect(parseLogQuery("attributes.user.id:42 resource.k8s.pod.name:p-1 trace_id:*").filters).toEqual([
      { field: { scope: "attributes", key: "user.id" }, op: "eq", value: "42", negate: false },
      { field: { scope: "resource", key: "k8s.pod.name" }, op: "eq", value: "p-1", negate: false },
      { field: { scope: "doc", name: "trace_id" }, op: "exists", value: "", negate: false },
    ]);
  });

  it.each([
    ['"unterminated', "unterminated quote starting at column 1"],
    ["ok status>=abc", "status>= at column 4 needs a number"],
    ["level:loud", "level at column 1 must be one of"],
    ["service:", "needs a value"],
  ])("rejects %s with one line naming where", (input, message) => {
    expect(() => parseLogQuery(input)).toThrow(ParamError);
    expect(() => parseLogQuery(input)).toThrow(message);
  });

  it("matches documents the way the stores do", () => {
    const doc = makeLog("a", {
      service: "checkout",
      severity_text: "warn",
      severity_number: 13,
      http_status: 503,
      message: "upstream timeout after 30s",
      attributes: { "http.route": "/api/pay", retries: 3, cached: true },
      resource: { "k8s.pod.name": "checkout-1" },
    });
    const matches = (q: string) => matchesLogQuery(doc, parseLogQuery(q));
    expect(matches("service:checkout level>=warn status>=500")).toBe(true);
    expect(matches("level>=error")).toBe(false);
    expect(matches('http.route:/api/pay k8s.pod.name:checkout-1 cached:true retries>2')).toBe(true);
    expect(matches("retries>3")).toBe(false);
    expect(matches('"timeout after" upstr')).toBe(true);
    expect(matches('"after timeout"')).toBe(false);
    expect(matches("-service:checkout")).toBe(false);
    expect(matches("-missing.key:x -refused")).toBe(true);
    expect(matches("missing.key:*")).toBe(false);
  });
});
