import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { importEdges, sourceFiles, type ImportEdge } from "../support/import-graph";
import { sharedPath } from "../support/shared";

/**
 * The shape of the test suite (vitest.config.mts): the `unit` project runs in-process only, and a
 * test that needs the workspace's ../shared folder says so in its name and fails when it is absent.
 */
const repoRoot = path.resolve(__dirname, "..", "..");
const files = sourceFiles(repoRoot, ["test", "runtime", "contracts", "infra"]);
const edges = importEdges(repoRoot, files);
const byFile = new Map<string, ImportEdge[]>();
for (const e of edges) byFile.set(e.from, [...(byFile.get(e.from) ?? []), e]);
const text = (file: string) => fs.readFileSync(path.join(repoRoot, file), "utf8");

/** The file and every repository file it imports, directly or not. */
function reach(file: string): Set<string> {
  const seen = new Set([file]);
  const todo = [file];
  while (todo.length > 0) {
    for (const e of byFile.get(todo.pop()!) ?? []) {
      if (e.to !== null && !seen.has(e.to)) {
        seen.add(e.to);
        todo.push(e.to);
      }
    }
  }
  return seen;
}

const testFiles = files.filter((f) => f.startsWith("test/") && f.endsWith(".test.ts") && !f.startsWith("test/e2e/"));
/** The `unit` project's files: every test but the process, integration and engine ones. */
const unitFiles = testFiles.filter((f) => !/\.(process|integration)\.test\.ts$/.test(f));
/** Modules that start processes, threads or a browser. */
const SPAWNING = /^(node:)?(child_process|cluster|worker_threads)$|^playwright(-core)?$/;
const SHARED_HELPER = "test/support/shared.ts";

describe("test suite shape", () => {
  it("sees the tests", () => {
    expect(unitFiles.length).toBeGreaterThan(50);
    expect(testFiles.length).toBeGreaterThan(unitFiles.length);
  });

  it("the unit project starts no process, thread or browser: nothing it loads imports child_process, workers or playwright", () => {
    const offenders = unitFiles.flatMap((f) =>
      [...reach(f)].flatMap((g) => (byFile.get(g) ?? []).filter((e) => SPAWNING.test(e.specifier) || e.to?.startsWith("test/support/servers/")).map((e) => `${f}: ${g} imports ${e.specifier}`)),
    );
    expect(offenders).toEqual([]);
  });

  it("catches a unit test that would start one", () => {
    expect(SPAWNING.test("node:child_process") && SPAWNING.test("playwright-core") && SPAWNING.test("worker_threads")).toBe(true);
    expect(unitFiles).not.toContain("test/runtime/cli/bin.process.test.ts");
  });

  it("reaches ../shared only through test/support/shared.ts (which fails loudly when it is absent)", () => {
    const literal = files
      .filter((f) => f.startsWith("test/") && f !== SHARED_HELPER)
      .filter((f) => text(f).split("\n").some((line) => /(resolve|join)\(.*["'`](\.\.\/)*shared["'`/]/.test(line) || /["'`](\.\.\/)+shared\//.test(line.replace(/\/\/.*$|^\s*\/?\*.*$/, ""))));
    expect(literal).toEqual([]);
  });

  it("names every test that reads ../shared so in a describe title", () => {
    const unnamed = testFiles.filter((f) => reach(f).has(SHARED_HELPER) && !/describe(\.\w+)*\(\s*["'`][^"'`]*\[reads \.\.\/shared/.test(text(f)));
    expect(unnamed).toEqual([]);
  });
});

describe("sharedPath [reads ../shared]", () => {
  it("fails with one line naming the path when a piece of ../shared is absent, instead of letting a test skip", () => {
    expect(sharedPath("datasets")).toMatch(/shared\/datasets$/);
    expect(() => sharedPath("datasets", "no-such-set")).toThrow(/shared\/datasets\/no-such-set is missing: this test reads \.\.\/shared\/datasets\/no-such-set/);
  });
});
