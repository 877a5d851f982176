import { describe, expect, it } from "vitest";
import { originVotes, TraceIndex } from "../../../runtime/bridge/correlate";

const span = (n: number) => n.toString(16).padStart(16, "0");

describe("TraceIndex", () => {
  it("remembers which service ran each span, a later record of a span overriding, however many spans a trace has", () => {
    const index = new TraceIndex(10);
    const trace = index.entry("t1");
    for (let n = 1; n <= 40; n++) {
      trace.setSpan(span(n), `svc-${n}`);
      if (n === 5 || n === 30) trace.setSpan(span(3), `moved-${n}`);
      for (let k = 1; k <= n; k++) expect(trace.serviceOf(span(k))).toBe(k === 3 && n >= 5 ? (n >= 30 ? "moved-30" : "moved-5") : `svc-${k}`);
      expect(trace.serviceOf(span(n + 1))).toBeUndefined();
    }
    expect(index.entry("t1")).toBe(trace);
    expect(index.entry("t2").serviceOf(span(1))).toBeUndefined();
  });

  it("forgets the oldest trace beyond its capacity", () => {
    const index = new TraceIndex(2);
    index.entry("a").setSpan(span(1), "x");
    index.entry("b");
    index.entry("a");
    index.entry("c");
    expect(index.get("a")).toBeUndefined();
    expect(index.get("b")).toBeDefined();
    expect(index.get("c")).toBeDefined();
  });

  it("votes for the service that erred first in each trace", () => {
    const index = new TraceIndex(10);
    index.entry("t1").firstError = new Map([["api", 20], ["db", 10]]);
    index.entry("t2").firstError = new Map([["api", 5], ["db", 7]]);
    index.entry("t3").firstError = new Map([["db", 1]]);
    expect(originVotes(index, ["t1", "t2", "t3", "missing"])).toEqual(new Map([["db", 1], ["api", 1]]));
  });
});
