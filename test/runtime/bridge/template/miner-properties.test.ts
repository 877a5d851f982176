import { describe, expect, it } from "vitest";
import {
  createTemplateMiner,
  restoreTemplateMiner,
  splitPreamble,
  type MinedTemplate,
  type TemplateMiner,
} from "../../../../runtime/bridge/template";
import { LOGHUB_SYSTEMS, loadLoghub } from "./support/loghub";
import { random } from "../../../support/random";

const PIECES = [
  "Connection",
  "from",
  "closed",
  "user",
  "root",
  "=",
  "key=value",
  "k:",
  ":v",
  "...",
  "..",
  "(",
  ")",
  "[",
  "]",
  '"',
  "'",
  "\\",
  "/var/log/a b",
  "http://x.y/z?q=1",
  "10.0.0.1:8080",
  "::1",
  "fe80::1%eth0",
  "0x7fff",
  "deadbeefcafe",
  "-1",
  "3.5e10",
  "KB",
  "ms",
  "Jan",
  "true",
  "ÄÖÜ",
  "日本語のログ",
  "ошибка",
  "🙂",
  "\u0301",
  "\u200b",
  "\ud800",
  "\t",
  "",
  "a".repeat(300),
  "\u0000",
  "__proto__",
  "constructor",
  "<*>",
];

/** A line of 0 to 300 tokens drawn from awkward pieces, random words and numbers. */
function fuzzLine(next: () => number): string {
  const tokens = Math.floor(next() * 301);
  const parts: string[] = [];
  for (let i = 0; i < tokens; i++) {
    const r = next();
    if (r < 0.5) parts.push(PIECES[Math.floor(next() * PIECES.length)]);
    else if (r < 0.7) parts.push(String(Math.floor(next() * 1e6)));
    else parts.push(Math.floor(next() * 36 ** 4).toString(36));
  }
  const glue = next() < 0.9 ? " " : "";
  return parts.join(glue);
}

function shuffled<T>(items: readonly T[], next: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** The ten Loghub sets' raw lines, all systems interleaved in one random order. */
function interleavedLoghub(next: () => number): string[] {
  return shuffled(
    LOGHUB_SYSTEMS.flatMap((s) => loadLoghub(s).map((l) => l.raw)),
    next,
  );
}

function feed(miner: TemplateMiner, lines: readonly string[]): MinedTemplate[] {
  return lines.map((l) => miner.add(splitPreamble(l).message));
}

describe("template miner properties [reads ../shared/datasets/loghub-2k]", () => {
  it("never throws on lines of 0-300 tokens of awkward unicode, brackets and quotes", () => {
    for (const seed of [1, 2, 3]) {
      const next = random(seed);
      const miner = createTemplateMiner();
      for (let i = 0; i < 1500; i++) {
        const line = fuzzLine(next);
        const r = miner.add(line);
        expect(r.id).toMatch(/^[0-9a-f]{16}$/);
        expect(typeof r.template).toBe("string");
        expect(r.count).toBeGreaterThanOrEqual(1);
        // The same message again always lands in the same cluster.
        expect(miner.add(line).id).toBe(r.id);
      }
    }
  });

  it("continues identically after a checkpoint and restore at any point of an interleaved stream", () => {
    const next = random(7);
    const lines = [...interleavedLoghub(next).slice(0, 6000), ...Array.from({ length: 300 }, () => fuzzLine(next))];
    const mixed = shuffled(lines, next);
    for (const cut of [0, 1, 1234, 4000, mixed.length - 1]) {
      const original = createTemplateMiner();
      feed(original, mixed.slice(0, cut));
      // Through JSON, as a checkpoint is stored.
      const restored = restoreTemplateMiner(JSON.parse(JSON.stringify(original.exportState())));
      // Same ids, templates, counts and new-cluster flags for everything after the cut, lines
      // seen before it included.
      const rest = [...mixed.slice(cut), ...mixed.slice(0, cut)];
      expect(feed(restored, rest)).toEqual(feed(original, rest));
    }
  });

  it("groups the same lines the same way whatever the order or the interleaving of systems", () => {
    const next = random(11);
    const alone = LOGHUB_SYSTEMS.map((s) => {
      const miner = createTemplateMiner();
      const lines = loadLoghub(s).map((l) => l.raw);
      return new Map(lines.map((l) => [l, miner.add(splitPreamble(l).message).id]));
    });
    const miner = createTemplateMiner();
    const together = new Map(interleavedLoghub(next).map((l) => [l, miner.add(splitPreamble(l).message).id]));
    // Interleaving other systems may only change grouping where two systems share templates:
    // count the lines whose system-alone group (as a set of lines) changed.
    let changed = 0;
    let total = 0;
    for (const ids of alone) {
      const groups = new Map<string, string[]>();
      for (const [line, id] of ids) (groups.get(id) ?? groups.set(id, []).get(id)!).push(line);
      for (const members of groups.values()) {
        total += members.length;
        const joint = new Set(members.map((l) => together.get(l)));
        if (joint.size !== 1) changed += members.length;
      }
    }
    expect(changed / total).toBeLessThan(0.05);
  });

  it("keeps its state bounded on a stream where every line is a new template", () => {
    const next = random(5);
    const miner = createTemplateMiner({ maxClusters: 1000, maxShapes: 2000 });
    const sizes: number[] = [];
    for (let round = 0; round < 4; round++) {
      for (let i = 0; i < 2000; i++) {
        const words = Array.from({ length: 3 + Math.floor(next() * 8) }, () =>
          Math.floor(next() * 26 ** 5).toString(26).replace(/\d/g, "q"),
        );
        miner.add(words.join(" "));
      }
      const state = miner.exportState() as { clusters: unknown[]; shapes: unknown[] };
      expect(state.clusters.length).toBeLessThanOrEqual(1000);
      expect(state.shapes.length).toBeLessThanOrEqual(2000);
      sizes.push(JSON.stringify(state).length);
    }
    // After the first eviction the size stops growing (within the tenth evicted at a time).
    expect(Math.max(...sizes.slice(1))).toBeLessThan(sizes[1] * 1.25);
  });

  it("routes each message as a copy restored just before it does, through evictions, folds and a full shape memory", () => {
    // The copy starts with an empty shape trie, so it finds every routing in the miner's maps: the
    // miner's own trie nodes, which remember where their shape went, must agree with them.
    const next = random(11);
    const word = () => Math.floor(next() * 26 ** 4).toString(26).replace(/\d/g, "q");
    // Families of statements that differ in one word (siblings, folded once three are seen), more
    // of them than the miner keeps (evicted, and seen again).
    const statements = Array.from({ length: 24 }, () => {
      const base = Array.from({ length: 4 + Math.floor(next() * 3) }, word);
      const at = Math.floor(next() * base.length);
      return Array.from({ length: 4 }, () => base.map((w, i) => (i === at ? word() : w)));
    }).flat();
    for (const options of [{ maxClusters: 12 }, { maxClusters: 12, maxShapes: 9 }]) {
      const next = random(12);
      let miner = createTemplateMiner(options);
      for (let i = 0; i < 1500; i++) {
        const statement = statements[Math.floor(next() * (i < 500 ? 8 : statements.length))];
        const message = `${statement.join(" ")} ${i}`;
        const copy = restoreTemplateMiner(miner.exportState());
        expect(miner.add(message), message).toEqual(copy.add(message));
        expect(miner.exportState()).toEqual(copy.exportState());
        if (i % 50 === 49) miner = copy;
      }
    }
  });

  it("gives a template evicted and seen again the same id", () => {
    const miner = createTemplateMiner({ maxClusters: 10 });
    const first = miner.add("Disk quota exceeded on volume 7");
    // Thirty other templates: one per message length.
    for (let i = 1; i <= 30; i++) miner.add(Array.from({ length: i }, () => "tick").join(" "));
    const again = miner.add("Disk quota exceeded on volume 9");
    expect(again.isNew).toBe(true);
    expect(again.id).toBe(first.id);
  });
});
