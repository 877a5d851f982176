import { describe, expect, it } from "vitest";
import { parseLogQuery } from "../../../../runtime/api/log-query";
import { InvalidCursorError } from "../../../../runtime/ports/stores";
import { decodeSearchAfter, encodeSearchAfter, logSearchQuery } from "../../../../runtime/store/opensearch/log-explorer";

describe("OpenSearch log search DSL", () => {
  it("turns the query syntax into tenant-scoped term, range, exists and prefix clauses", () => {
    const query = logSearchQuery({ tenant: "acme", ...parseLogQuery('service:checkout status>=500 user.id:42 -env:test trace_id:* "timed out" -retry'), service: "x" });
    expect(query.bool.filter).toEqual([
      { term: { tenant_id: "acme" } },
      { term: { service: "checkout" } },
      { range: { http_status: { gte: 500 } } },
      { bool: { should: [{ term: { "attributes.user.id": "42" } }, { term: { "resource.user.id": "42" } }], minimum_should_match: 1 } },
      { exists: { field: "trace_id" } },
      { term: { service: "x" } },
    ]);
    expect(query.bool.must).toEqual([{ match_phrase_prefix: { message: { query: "timed out" } } }]);
    expect(query.bool.must_not).toEqual([{ match_phrase_prefix: { message: { query: "retry" } } }, { term: { environment: "test" } }]);
  });

  it("round-trips its search_after cursor and refuses foreign ones", () => {
    const cursor = encodeSearchAfter("desc", [1764990000000, "abc"]);
    expect(decodeSearchAfter(cursor, "desc")).toEqual([1764990000000, "abc"]);
    expect(() => decodeSearchAfter(cursor, "asc")).toThrow(InvalidCursorError);
    expect(() => decodeSearchAfter("s1.xyz", "desc")).toThrow(InvalidCursorError);
  });
});
