import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const repoRoot = resolve(__dirname, "..", "..", "..", "..");
const bin = join(repoRoot, "runtime", "cli", "bin.js");

function logclaw(args: string[], input?: string) {
  return spawnSync(process.execPath, [bin, ...args], { input, encoding: "utf8", cwd: repoRoot });
}

describe("logclaw templates", () => {
  it("prints one {id, template} per input line, in order, from a file", () => {
    const dir = mkdtempSync(join(tmpdir(), "logclaw-templates-"));
    const file = join(dir, "in.log");
    writeFileSync(file, "job 17 started on node 3\r\njob 18 started on node 4\ndisk full\n");
    const run = logclaw(["templates", "--input", file]);
    expect(run.status).toBe(0);
    const rows = run.stdout.trim().split("\n").map((l) => JSON.parse(l) as { id: string; template: string });
    expect(rows).toHaveLength(3);
    expect(Object.keys(rows[0])).toEqual(["id", "template"]);
    expect(rows[0].template).toBe("job <*> started on node <*>");
    expect(rows[1].template).toBe("job <*> started on node <*>");
    expect(rows[1].id).toBe(rows[0].id);
    expect(rows[2]).toEqual({ id: expect.any(String), template: "disk full" });
    expect(rows[2].id).not.toBe(rows[0].id);
  });

  it("reads stdin with --input -", () => {
    const run = logclaw(["templates", "--input", "-"], "user alice logged in\nuser bob logged in\n");
    expect(run.status).toBe(0);
    const rows = run.stdout.trim().split("\n").map((l) => JSON.parse(l) as { id: string; template: string });
    expect(rows[1]).toEqual({ id: rows[0].id, template: "user <*> logged in" });
  });

  it("fails with one line naming the missing file", () => {
    const run = logclaw(["templates", "--input", "/nonexistent/x.log"]);
    expect(run.status).not.toBe(0);
    expect(run.stdout).toBe("");
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stderr).toContain("/nonexistent/x.log");
  });

  it("stops quietly when the reader closes the pipe early", () => {
    const dir = mkdtempSync(join(tmpdir(), "logclaw-templates-"));
    const file = join(dir, "big.log");
    writeFileSync(file, Array.from({ length: 50_000 }, (_, i) => `request ${i} served in ${i % 97} ms`).join("\n"));
    const pipeline = `"${process.execPath}" "${bin}" templates --input "${file}" | head -1`;
    const run = spawnSync("sh", ["-c", pipeline], { encoding: "utf8", cwd: repoRoot });
    expect(run.stdout.trim().split("\n")).toHaveLength(1);
    expect(run.stderr).toBe("");
  });

  it("prints usage with --help", () => {
    const run = logclaw(["templates", "--help"]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("--input <file>");
  });
});
