/**
 * Template-mining throughput and memory on the ten Loghub 2k sets concatenated (20,000 raw lines,
 * read in place from ../shared). Figures:
 * - `templates.throughput`: raw lines/s through what `logclaw templates` runs per line (generic
 *   header split + miner), measured on this process's CPU time so that other load on a shared
 *   machine does not count; one core, no worker threads.
 * - `templates.throughput.miner`: the miner alone on pre-split message bodies.
 * - `templates.throughput.wall`: the first figure on wall-clock time, for reference.
 * - `templates.throughput.warm`: the same lines through a long-lived miner that knows their templates.
 * - `templates.throughput.adversarial`: a stream built to defeat the fast paths (see `freeText`).
 * - `templates.state_size`: the JSON checkpoint after one pass.
 * - `templates.state_size.long_adversarial`: the checkpoint and cluster count of one default miner
 *   after 50k, 100k and 200k lines of the adversarial stream: bounded by `maxClusters`.
 * - `templates.peak_rss`: peak resident memory of the process during the runs.
 * Each pass starts a fresh miner (cold caches, all clusters new); the figure is the median pass.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createTemplateMiner, splitPreamble } from "../../runtime/bridge/template";
import { LOGHUB_SYSTEMS, loghubRoot } from "../runtime/bridge/template/support/loghub";

const PASSES = 9;

const lines = LOGHUB_SYSTEMS.flatMap((system) =>
  readFileSync(join(loghubRoot, system, `${system}_2k.log`), "utf8")
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l)),
);
const messages = lines.map((l) => splitPreamble(l).message);

let peakRss = process.memoryUsage().rss;
let sink = 0;

interface Pass {
  cpuSeconds: number;
  wallSeconds: number;
}

function pass(run: () => void): Pass {
  const cpu = process.cpuUsage();
  const wall = process.hrtime.bigint();
  run();
  const used = process.cpuUsage(cpu);
  const wallSeconds = Number(process.hrtime.bigint() - wall) / 1e9;
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  return { cpuSeconds: (used.user + used.system) / 1e6, wallSeconds };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function measure(run: () => void): { cpu: number; wall: number } {
  run();
  const passes = Array.from({ length: PASSES }, () => pass(run));
  return {
    cpu: median(passes.map((p) => p.cpuSeconds)),
    wall: median(passes.map((p) => p.wallSeconds)),
  };
}

const rawRun = measure(() => {
  const miner = createTemplateMiner();
  for (const line of lines) sink += miner.add(splitPreamble(line).message).count;
});
const warmMiner = createTemplateMiner();
for (const line of lines) warmMiner.add(splitPreamble(line).message);
const warmRun = measure(() => {
  for (const line of lines) sink += warmMiner.add(splitPreamble(line).message).count;
});
const minerRun = measure(() => {
  const miner = createTemplateMiner();
  for (const message of messages) sink += miner.add(message).count;
});

/**
 * An adversarial stream: free text whose every line is a new shape in one bucket (same length and
 * first word, words drawn from 2,000), and now and then a 20,000-character token. Deterministic.
 */
function freeText(count: number): string[] {
  const words = Array.from({ length: 2000 }, (_, i) => `w${i.toString(36).replace(/\d/g, (d) => "abcdefghij"[Number(d)])}`);
  let seed = 1;
  const pick = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return words[seed % words.length];
  };
  return Array.from({ length: count }, (_, i) =>
    i % 1000 === 0 ? `event ${"ab".repeat(10_000)} done` : `event ${pick()} ${pick()} ${pick()} happened`,
  );
}
const adversarial = freeText(20_000);
const adversarialRun = measure(() => {
  const miner = createTemplateMiner();
  for (const line of adversarial) sink += miner.add(splitPreamble(line).message).count;
});

function print(figure: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(figure)}\n`);
}

print({
  bench: "templates.throughput",
  value: Math.round(lines.length / rawRun.cpu),
  unit: "lines/s",
  target: ">=200000",
  clock: "cpu",
  input: "raw lines, header split + miner",
  lines: lines.length,
});
print({
  bench: "templates.throughput.miner",
  value: Math.round(messages.length / minerRun.cpu),
  unit: "lines/s",
  clock: "cpu",
  input: "message bodies, miner only",
});
print({
  bench: "templates.throughput.warm",
  value: Math.round(lines.length / warmRun.cpu),
  unit: "lines/s",
  clock: "cpu",
  input: "raw lines again through a miner that has seen them (steady state)",
});
print({
  bench: "templates.throughput.adversarial",
  value: Math.round(adversarial.length / adversarialRun.cpu),
  unit: "lines/s",
  clock: "cpu",
  input: "free text, every line a new template, long tokens",
});
print({ bench: "templates.throughput.wall", value: Math.round(lines.length / rawRun.wall), unit: "lines/s", clock: "wall" });
print({
  bench: "templates.state_size",
  value: Math.round(JSON.stringify(warmMiner.exportState()).length / 1024),
  unit: "KiB",
  input: "exported state after the 20,000 lines (checkpoint size)",
});
{
  const miner = createTemplateMiner();
  const long = freeText(200_000);
  const checkpoints = new Set([50_000, 100_000, 200_000]);
  const sizes: { lines: number; kib: number; clusters: number }[] = [];
  long.forEach((line, i) => {
    miner.add(line);
    if (checkpoints.has(i + 1)) {
      const state = miner.exportState() as { clusters: unknown[] };
      sizes.push({ lines: i + 1, kib: Math.round(JSON.stringify(state).length / 1024), clusters: state.clusters.length });
    }
  });
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  print({
    bench: "templates.state_size.long_adversarial",
    value: sizes[sizes.length - 1].kib,
    unit: "KiB",
    input: "one default miner, adversarial stream, checkpoint after 50k/100k/200k lines",
    series: sizes,
  });
}
print({ bench: "templates.peak_rss", value: Math.round(peakRss / 2 ** 20), unit: "MiB" });
if (sink < 0) process.exit(2);
