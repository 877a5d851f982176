import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { version } from "../../../package.json";

const repoRoot = path.resolve(__dirname, "..", "..", "..");
const bin = path.join(repoRoot, "runtime", "cli", "bin.js");
const work = mkdtempSync(path.join(tmpdir(), "logclaw-bin-"));
// Lists every module the process loaded, on fd 3, when it exits.
const probe = path.join(work, "modules-probe.js");
writeFileSync(probe, `process.on("exit", () => require("node:fs").writeSync(3, JSON.stringify(Object.keys(require.cache))));\n`);

function run(args: string[]) {
  const r = spawnSync(process.execPath, ["--require", probe, bin, ...args], { cwd: repoRoot, encoding: "utf8", stdio: ["ignore", "pipe", "pipe", "pipe"] });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, modules: JSON.parse(String(r.output[3] || "[]")) as string[] };
}

describe("the logclaw binary", () => {
  it("prints its version", { timeout: 180_000 }, () => {
    const r = run(["--version"]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(version);
  });

  it("runs the built JavaScript: no TypeScript compiler or source is loaded at run time", { timeout: 180_000 }, () => {
    const empty = path.join(work, "empty.jsonl");
    writeFileSync(empty, "");
    for (const args of [["--help"], ["replay", "--input", empty], ["tenant", "validate", "tenants/acme.yaml"]]) {
      const r = run(args);
      expect([args.join(" "), r.code]).toEqual([args.join(" "), 0]);
      expect(r.modules.filter((m) => m.endsWith(".ts") || m.includes(`${path.sep}tsx${path.sep}`) || m.includes(`${path.sep}typescript${path.sep}`))).toEqual([]);
      expect(r.modules.some((m) => m.startsWith(path.join(repoRoot, "dist")))).toBe(true);
    }
  });
});
