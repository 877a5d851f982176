import { spawnSync } from "node:child_process";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { createTemplateMiner, splitPreamble } from "../../../../runtime/bridge/template";
import {
  LOGHUB_SYSTEMS,
  groupingAccuracy,
  hasLabels,
  loadLoghub,
  loghubRoot,
  type LoghubLabels,
  type LoghubSystem,
} from "./support/loghub";

/** GA of one fresh default miner over a system, fed the Content column or the whole raw line. */
function accuracy(system: LoghubSystem, input: "content" | "raw", labels: LoghubLabels): number {
  const lines = loadLoghub(system, labels);
  const miner = createTemplateMiner();
  const ids = lines.map((l) => miner.add(input === "content" ? l.content : splitPreamble(l.raw).message).id);
  return groupingAccuracy(
    lines.map((l) => l.eventId),
    ids,
  );
}

describe("grouping accuracy on Loghub 2k, one default configuration [reads ../shared/datasets/loghub-2k]", () => {
  for (const [labels, input] of [
    ["corrected", "content"],
    ["corrected", "raw"],
    ["loghub-2.0", "content"],
  ] as const) {
    it(`averages at least 0.95 with ${labels} labels, fed the ${input === "content" ? "Content column" : "raw lines"}`, () => {
      const scores = LOGHUB_SYSTEMS.filter((s) => hasLabels(s, labels)).map((s) => accuracy(s, input, labels));
      const average = scores.reduce((a, b) => a + b, 0) / scores.length;
      expect(average).toBeGreaterThanOrEqual(0.95);
      // No single system may collapse while the others carry the mean.
      expect(Math.min(...scores)).toBeGreaterThanOrEqual(0.9);
    });
  }

  it("is what `logclaw templates` yields on a raw Loghub file", () => {
    const repoRoot = resolve(__dirname, "..", "..", "..", "..");
    const run = spawnSync(
      process.execPath,
      [join(repoRoot, "runtime", "cli", "bin.js"), "templates", "--input", join(loghubRoot, "OpenSSH", "OpenSSH_2k.log")],
      { encoding: "utf8", cwd: repoRoot, maxBuffer: 64 * 1024 * 1024 },
    );
    expect(run.status).toBe(0);
    const ids = run.stdout.trim().split("\n").map((l) => (JSON.parse(l) as { id: string }).id);
    const lines = loadLoghub("OpenSSH");
    expect(ids).toHaveLength(lines.length);
    expect(groupingAccuracy(lines.map((l) => l.eventId), ids)).toBeGreaterThanOrEqual(0.99);
  });
});
