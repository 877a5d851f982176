import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { importEdges, moduleCycles, moduleOf, sourceFiles, type ImportEdge } from "../support/import-graph";

/**
 * The import direction of docs/architecture.md: contracts below everything; infra/ (Pulumi) and
 * runtime/ (the containers) side by side, never importing each other; no folder-level loop among
 * the runtime's modules; store adapters reach only ports and contracts.
 */
const repoRoot = path.resolve(__dirname, "..", "..");
const files = sourceFiles(repoRoot, ["contracts", "infra", "stacks", "policies", "runtime"]);
const edges = importEdges(repoRoot, files);
const top = (file: string) => file.split("/")[0];

function violations(predicate: (edge: ImportEdge) => boolean): string[] {
  return edges.filter(predicate).map((e) => `${e.from} -> ${e.to ?? e.specifier}`);
}

/** Runtime modules: each folder directly under runtime/, and each stage folder of the bridge. */
function runtimeModule(file: string): string {
  return file.startsWith("runtime/bridge/") && file.split("/").length > 3 ? moduleOf(file, 3) : moduleOf(file, 2);
}

describe("import direction", () => {
  it("sees the whole tree", () => {
    expect(files.filter((f) => f.startsWith("contracts/")).length).toBeGreaterThan(3);
    expect(files.filter((f) => f.startsWith("runtime/")).length).toBeGreaterThan(100);
    expect(edges.length).toBeGreaterThan(500);
  });

  it("contracts import no other part of the repository and no Pulumi package", () => {
    expect(violations((e) => top(e.from) === "contracts" && ((e.to !== null && top(e.to) !== "contracts") || e.specifier.startsWith("@pulumi/")))).toEqual([]);
  });

  it("infra/ and runtime/ never import each other", () => {
    expect(violations((e) => e.to !== null && ((top(e.from) === "infra" && top(e.to) === "runtime") || (top(e.from) === "runtime" && top(e.to) === "infra")))).toEqual([]);
  });

  it("nothing below stacks/ and policies/ imports them", () => {
    expect(violations((e) => e.to !== null && ["stacks", "policies"].includes(top(e.to)) && top(e.to) !== top(e.from))).toEqual([]);
  });

  it("runtime/ imports no Pulumi package outside the lazily loaded fleet driver", () => {
    expect(violations((e) => top(e.from) === "runtime" && e.from !== "runtime/fleet/pulumi-driver.ts" && e.specifier.startsWith("@pulumi/"))).toEqual([]);
  });

  it("the runtime image's dependencies are exactly what runtime/ and contracts/ load, with no Pulumi package", () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { dependencies: Record<string, string> };
    const packageOf = (specifier: string) => specifier.split("/").slice(0, specifier.startsWith("@") ? 2 : 1).join("/");
    const loaded = new Set(
      edges
        .filter((e) => e.to === null && ["runtime", "contracts"].includes(top(e.from)) && e.from !== "runtime/fleet/pulumi-driver.ts" && !e.specifier.startsWith("node:"))
        .map((e) => packageOf(e.specifier)),
    );
    expect([...loaded].filter((p) => !(p in manifest.dependencies)).sort()).toEqual([]);
    expect(Object.keys(manifest.dependencies).filter((p) => p.startsWith("@pulumi/"))).toEqual([]);
  });

  it("no folder-level import loop among the runtime's modules", () => {
    const moduleEdges = edges
      .filter((e) => e.to !== null && top(e.from) === "runtime" && top(e.to) === "runtime")
      .map((e): [string, string] => [runtimeModule(e.from), runtimeModule(e.to!)]);
    expect(moduleCycles(moduleEdges)).toEqual([]);
  });

  it("store adapters import only ports, contracts and their own folder", () => {
    expect(
      violations((e) => {
        if (e.to === null || !e.from.startsWith("runtime/store/")) return false;
        return !(e.to.startsWith("runtime/ports/") || e.to.startsWith("contracts/") || moduleOf(e.to, 3) === moduleOf(e.from, 3));
      }),
    ).toEqual([]);
  });

  it("the bridge pipeline only orchestrates: its file stays under 150 lines, the stages live in their own folders", () => {
    const pipeline = fs.readFileSync(path.join(repoRoot, "runtime/bridge/pipeline/bridge-pipeline.ts"), "utf8");
    expect(pipeline.split("\n").filter((line, i, all) => i < all.length - 1 || line !== "").length).toBeLessThan(150);
    // Windowing, correlation and detection are stages of their own, not private methods of the pipeline.
    for (const stage of ["window", "correlate", "detect", "lifecycle"]) expect(fs.existsSync(path.join(repoRoot, "runtime/bridge", stage, "index.ts"))).toBe(true);
    expect(pipeline).not.toMatch(/new (CallGraph|TraceIndex)\b|findRootCause|evaluateWindow/);
  });

  it("names a component's pure builders `<component>-spec.ts` beside the component's own file", () => {
    const infra = files.filter((f) => top(f) === "infra");
    const isComponent = (f: string) => fs.readFileSync(path.join(repoRoot, f), "utf8").includes("extends pulumi.ComponentResource");
    const specs = infra.filter((f) => f.endsWith("-spec.ts"));
    expect(specs.length).toBeGreaterThan(3);
    expect(specs.filter((f) => !infra.includes(f.replace(/-spec\.ts$/, ".ts")) || !isComponent(f.replace(/-spec\.ts$/, ".ts")))).toEqual([]);
    // The suffixes pairs used before the convention.
    expect(infra.filter((f) => /-(config|rules|builder|resources)\.ts$/.test(f))).toEqual([]);
  });

  it("gives each meaning of tenant one folder: tenant files, the tenant model, the TenantStack component", () => {
    expect(fs.readdirSync(path.join(repoRoot, "tenants")).filter((f) => !f.endsWith(".yaml"))).toEqual([]);
    expect(fs.existsSync(path.join(repoRoot, "contracts/tenant/schema.ts"))).toBe(true);
    expect(fs.readFileSync(path.join(repoRoot, "infra/tenant-stack/tenant-stack.ts"), "utf8")).toContain("class TenantStack extends pulumi.ComponentResource");
    const tenantFolders = [...new Set(files.map((f) => path.dirname(f)))].filter((d) => /(^|\/)tenants?(-[a-z]+)?$/.test(d));
    expect(tenantFolders.sort()).toEqual(["contracts/tenant", "infra/tenant-stack"]);
  });

  it("finds a loop when there is one", () => {
    expect(moduleCycles([["a", "b"], ["b", "c"], ["c", "a"], ["c", "d"]])).toEqual([["a", "b", "c"]]);
    expect(moduleCycles([["a", "b"], ["b", "c"]])).toEqual([]);
  });
});
