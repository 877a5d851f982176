import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";

/** The Loghub 2k systems kept in ../shared/datasets (see its README). */
export const LOGHUB_SYSTEMS = [
  "HDFS",
  "Spark",
  "Zookeeper",
  "BGL",
  "Thunderbird",
  "Windows",
  "Android",
  "HealthApp",
  "Apache",
  "OpenSSH",
] as const;

export type LoghubSystem = (typeof LOGHUB_SYSTEMS)[number];

/** One labelled line of a Loghub 2k set. */
export interface LabelledLine {
  /** The whole raw line of `<Name>_2k.log` (trailing CR stripped). */
  raw: string;
  /** The `Content` column: the message body after the benchmark's per-dataset header regex. */
  content: string;
  /** Ground-truth group key (`EventId`, or the `EventTemplate` string for Loghub-2.0 labels). */
  eventId: string;
}

const repoRoot = resolve(__dirname, "..", "..", "..", "..", "..");

/** `../shared/datasets/loghub-2k`, read in place; never copied into the repository. */
export const loghubRoot = resolve(repoRoot, "..", "shared", "datasets", "loghub-2k");

/** RFC-4180 rows: quoted cells may hold commas, doubled quotes and newlines. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    let cell: string;
    if (text[i] === '"') {
      let j = i + 1;
      let parts = "";
      for (;;) {
        const q = text.indexOf('"', j);
        if (q < 0) throw new Error("unterminated quoted CSV cell");
        parts += text.slice(j, q);
        if (text[q + 1] === '"') {
          parts += '"';
          j = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      cell = parts;
    } else {
      let j = i;
      while (j < n && text[j] !== "," && text[j] !== "\n" && text[j] !== "\r") j++;
      cell = text.slice(i, j);
      i = j;
    }
    row.push(cell);
    if (text[i] === ",") i++;
    else {
      if (text[i] === "\r") i++;
      if (text[i] === "\n") i++;
      rows.push(row);
      row = [];
    }
  }
  if (row.length > 0) rows.push(row);
  return rows;
}

/**
 * Which ground truth: Khan et al.'s ICSE'22 corrections (default, keyed by `EventId`), the
 * original ICSE'19 labels (`EventId`), or Loghub-2.0's revision (ISSTA'24, keyed by the
 * `EventTemplate` string as its evaluator does; not published for Android and Windows).
 */
export type LoghubLabels = "corrected" | "original" | "loghub-2.0";

const LABEL_FILES: Record<LoghubLabels, (system: string) => string> = {
  corrected: (s) => `${s}_2k.log_structured_corrected.csv`,
  original: (s) => `${s}_2k.log_structured.csv`,
  "loghub-2.0": (s) => join("loghub-2.0", `${s}_2k.log_structured_corrected.csv`),
};

/** True when the system has ground truth of that kind. */
export function hasLabels(system: LoghubSystem, labels: LoghubLabels): boolean {
  return existsSync(join(loghubRoot, system, LABEL_FILES[labels](system)));
}

/** Reads one system's raw lines joined with its ground truth, by `LineId`. */
export function loadLoghub(system: LoghubSystem, labels: LoghubLabels = "corrected"): LabelledLine[] {
  const dir = join(loghubRoot, system);
  const rawLines = readFileSync(join(dir, `${system}_2k.log`), "utf8")
    .split("\n")
    .map((l) => l.replace(/\r$/, ""));
  const [header, ...rows] = parseCsv(readFileSync(join(dir, LABEL_FILES[labels](system)), "utf8"));
  const col = (name: string): number => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`${system}: no ${name} column`);
    return i;
  };
  const lineId = col("LineId");
  const content = col("Content");
  const group = col(labels === "loghub-2.0" ? "EventTemplate" : "EventId");
  return rows
    .filter((r) => r.length === header.length && r[group] !== "")
    .map((r) => ({ raw: rawLines[Number(r[lineId]) - 1], content: r[content], eventId: r[group] }));
}

/**
 * Loghub grouping accuracy: a message is correct iff the set of messages in its predicted group
 * equals the set of messages sharing its ground-truth group.
 */
export function groupingAccuracy(truth: readonly string[], predicted: readonly string[]): number {
  if (truth.length !== predicted.length) throw new Error("truth and prediction differ in length");
  const byTruth = new Map<string, number[]>();
  const byPred = new Map<string, number[]>();
  truth.forEach((t, i) => (byTruth.get(t) ?? byTruth.set(t, []).get(t)!).push(i));
  predicted.forEach((p, i) => (byPred.get(p) ?? byPred.set(p, []).get(p)!).push(i));
  let correct = 0;
  for (const members of byPred.values()) {
    const t = truth[members[0]];
    const group = byTruth.get(t)!;
    if (group.length === members.length && members.every((i) => truth[i] === t)) correct += members.length;
  }
  return correct / truth.length;
}
