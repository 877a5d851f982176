import * as fs from "node:fs";
import * as path from "node:path";
import ts from "typescript";

/** One import of one source file: the written specifier and, for relative ones, the repository path it resolves to. */
export interface ImportEdge {
  from: string;
  specifier: string;
  /** Repository-relative file for a relative import; null for a package import. */
  to: string | null;
}

const SOURCE = /\.(ts|mts|js)$/;
const RESOLVE_SUFFIXES = ["", ".ts", ".js", ".mts", "/index.ts", "/index.js"];

/** Every source file under the given top-level folders, repository-relative with `/` separators. */
export function sourceFiles(repoRoot: string, tops: string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(path.join(repoRoot, dir), { withFileTypes: true })) {
      if (entry.name === "node_modules" || entry.name.startsWith(".")) continue;
      const rel = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(rel);
      else if (SOURCE.test(entry.name)) out.push(rel);
    }
  };
  for (const top of tops) if (fs.existsSync(path.join(repoRoot, top))) walk(top);
  return out.sort();
}

function resolveRelative(repoRoot: string, from: string, specifier: string): string | null {
  // `./x.js` names `./x.ts` under node16 resolution.
  const base = path.resolve(repoRoot, path.dirname(from), specifier.replace(/\.js$/, ""));
  for (const suffix of RESOLVE_SUFFIXES) {
    const candidate = base + suffix;
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return path.relative(repoRoot, candidate).split(path.sep).join("/");
  }
  return null;
}

/** Static, dynamic and type-only imports and re-exports of each file (TypeScript's own pre-parser). */
export function importEdges(repoRoot: string, files: string[]): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const from of files) {
    const text = fs.readFileSync(path.join(repoRoot, from), "utf8");
    const info = ts.preProcessFile(text, true, true);
    // Plain `require("x")` calls in TypeScript files too (the pre-parser sees them only in JavaScript).
    const required = [...text.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]!);
    const specifiers = new Set([...info.importedFiles.map((f) => f.fileName), ...required]);
    for (const specifier of specifiers) {
      const relative = specifier.startsWith(".");
      const to = relative ? resolveRelative(repoRoot, from, specifier) : null;
      if (relative && to === null) throw new Error(`${from}: import "${specifier}" resolves to no file`);
      edges.push({ from, specifier, to });
    }
  }
  return edges;
}

/** The module a file belongs to: the first `depth` path segments of its folder. */
export function moduleOf(file: string, depth: number): string {
  return file.split("/").slice(0, -1).slice(0, depth).join("/");
}

/** Strongly connected groups of more than one module (Tarjan): each is a folder-level import loop. */
export function moduleCycles(edges: Array<[string, string]>): string[][] {
  const adjacency = new Map<string, Set<string>>();
  for (const [a, b] of edges) {
    if (a === b) continue;
    if (!adjacency.has(a)) adjacency.set(a, new Set());
    if (!adjacency.has(b)) adjacency.set(b, new Set());
    adjacency.get(a)!.add(b);
  }
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter += 1;
    stack.push(v);
    onStack.add(v);
    for (const w of adjacency.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        group.push(w);
      } while (w !== v);
      if (group.length > 1) cycles.push(group.sort());
    }
  };
  for (const v of [...adjacency.keys()].sort()) if (!index.has(v)) visit(v);
  return cycles;
}
