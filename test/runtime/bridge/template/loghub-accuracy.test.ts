import { describe, expect, it } from "vitest";
import { createTemplateMiner } from "../../../../runtime/bridge/template";
import { groupingAccuracy, loadLoghub, type LoghubSystem } from "./support/loghub";

function contentAccuracy(system: LoghubSystem): number {
  const lines = loadLoghub(system);
  const miner = createTemplateMiner();
  return groupingAccuracy(
    lines.map((l) => l.eventId),
    lines.map((l) => miner.add(l.content).id),
  );
}

describe("grouping accuracy on Loghub 2k (Content column, default configuration)", () => {
  it.each([
    ["HDFS", 0.99],
    ["Apache", 0.99],
    ["Zookeeper", 0.95],
  ] as const)("%s reaches at least %f", (system, floor) => {
    expect(contentAccuracy(system)).toBeGreaterThanOrEqual(floor);
  });
});
