import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Incident } from "../../../contracts/records";
import { generateScenario, toOtlpJsonLines } from "../../../runtime/scenarios";

const repoRoot = path.resolve(__dirname, "..", "..", "..");
const bin = path.join(repoRoot, "runtime", "cli", "bin.js");

function replay(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [bin, "replay", ...args], { cwd: repoRoot, input, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

// A short scenario with two failures (one immediate, one windowed) after a warm-up.
const scenario = generateScenario({ seed: 42, durationMs: 16 * 60_000, warmupMs: 4 * 60_000, failures: ["resource_exhaustion", "database"], requestsPerSecond: 15 });
const lines = toOtlpJsonLines(scenario.logs);
const dir = mkdtempSync(path.join(tmpdir(), "logclaw-replay-"));
const file = path.join(dir, "raw-logs.jsonl");
writeFileSync(file, `${lines.slice(0, 100).join("\n")}\n{not json\n\n${lines.slice(100).join("\n")}\n`);

describe("logclaw replay", () => {
  it("prints one incident per line as each opens, explains bad lines on stderr, and is deterministic", { timeout: 300_000 }, () => {
    const first = replay(["--input", file]);
    // Every usable line is replayed; the exit status and the last line name the first invalid input.
    expect(first.code).toBe(1);
    expect(first.stderr.trim().split("\n").at(-1)).toMatch(/^logclaw replay: invalid input at .*raw-logs\.jsonl:101 \(first of 1 rejected\): invalid_json/);
    const incidents = first.stdout.trim().split("\n").map((l) => JSON.parse(l) as Incident);
    expect(incidents.map((i) => i.rootCauseService).sort()).toEqual(scenario.failures.map((f) => f.rootCauseService).sort());
    for (const i of incidents) {
      expect(i).toMatchObject({ tenant: "local", status: "open" });
      expect(i.fingerprint).toMatch(/^[0-9a-f]{32}$/);
      expect(i.score).toBeGreaterThan(0);
      expect(i.score).toBeLessThanOrEqual(1);
      expect(["immediate", "windowed"]).toContain(i.path);
      for (const key of ["firstSeen", "detectedAt", "lastSeen"] as const) expect(Date.parse(i[key])).toBeGreaterThanOrEqual(scenario.startMs);
      expect(i.sampleLogIds.length).toBeGreaterThan(0);
    }
    expect(first.stderr).toContain(`raw-logs.jsonl:101: invalid_json`);
    expect(first.stderr).toMatch(/1 unusable/);
    expect(replay(["--input", file]).stdout).toBe(first.stdout);
  });

  it("reads stdin with --input -", { timeout: 300_000 }, () => {
    const r = replay(["--input", "-", "--tenant", "acme"], `${lines.join("\n")}\n`);
    expect(r.code).toBe(0);
    const incidents = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as Incident);
    expect(incidents).toHaveLength(2);
    expect(incidents[0].tenant).toBe("acme");
  });

  it("fails with a one-line reason for a missing file and prints help", { timeout: 120_000 }, () => {
    const missing = replay(["--input", path.join(dir, "nope.jsonl")]);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr.trim().split("\n")).toHaveLength(1);
    expect(missing.stderr).toMatch(/cannot read --input .*nope\.jsonl: no such file/);
    const help = replay(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("--input <file>");
  });
});
