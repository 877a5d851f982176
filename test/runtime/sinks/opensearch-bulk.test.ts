import { describe, expect, it } from "vitest";
import { chunkRequests } from "../../../runtime/sinks/opensearch-bulk";

describe("bulk requests are bounded by documents and by bytes", () => {
  const size = (n: number) => n;

  it("cuts at the byte bound, keeping order", () => {
    expect(chunkRequests([4, 4, 4, 4, 4], size, 100, 10)).toEqual([[4, 4], [4, 4], [4]]);
  });

  it("cuts at the document bound", () => {
    expect(chunkRequests([1, 1, 1, 1, 1], size, 2, 1000)).toEqual([[1, 1], [1, 1], [1]]);
  });

  it("sends a document larger than the byte bound alone, never drops it", () => {
    expect(chunkRequests([3, 50, 3], size, 100, 10)).toEqual([[3], [50], [3]]);
    expect(chunkRequests([], size, 100, 10)).toEqual([]);
  });
});
