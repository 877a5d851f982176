import { describe, expect, it } from "vitest";
import { DocumentJson } from "../../../runtime/sinks/document-json";
import { documentSource } from "../../../runtime/store/opensearch/log-store";

describe("DocumentJson", () => {
  it("gives the whole document and its source exactly as JSON.stringify would", () => {
    const json = new DocumentJson();
    const doc = { id: 'a"b,c', "@timestamp": "2026-12-07T10:00:00.000Z", message: 'x "y", z', attributes: { "http.route": "/" } };
    expect(json.of(doc)).toBe(JSON.stringify(doc));
    expect(json.sourceOf(doc)).toBe(JSON.stringify(documentSource(doc)));
    expect(JSON.parse(json.sourceOf(doc))).toEqual(documentSource(doc));
  });

  it("serializes the source on its own when id is not the first key", () => {
    const json = new DocumentJson();
    const doc = { message: "m", id: "x" };
    expect(json.sourceOf(doc)).toBe('{"message":"m"}');
    expect(json.of(doc)).toBe('{"message":"m","id":"x"}');
  });

  it("serializes a document once for both writers", () => {
    const json = new DocumentJson();
    const doc = { id: "1", message: "m" };
    expect(json.of(doc)).toBe(json.of(doc));
    expect(json.sourceOf({ id: "only" })).toBe("{}");
  });
});
