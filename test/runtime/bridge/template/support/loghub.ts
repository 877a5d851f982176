import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { sharedPath } from "../../../../support/shared";

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
  /** Ground-truth template text (`EventTemplate`), for the template-text metrics (PA, FTA). */
  template: string;
}

/** `../shared/datasets/loghub-2k`, read in place; never copied into the repository. */
export const loghubRoot = sharedPath("datasets", "loghub-2k");

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
  const template = col("EventTemplate");
  const group = labels === "loghub-2.0" ? template : col("EventId");
  return rows
    .filter((r) => r.length === header.length && r[group] !== "")
    .map((r) => ({
      raw: rawLines[Number(r[lineId]) - 1],
      content: r[content],
      eventId: r[group],
      template: r[template],
    }));
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

/** Accuracy figures of one parse of one system (Jiang et al., ISSTA'24, and Khan et al., ICSE'22). */
export interface ParseScores {
  /** Grouping accuracy: share of lines whose predicted group is exactly their true group. */
  ga: number;
  /** F1 over groups: a predicted group is right when its lines are exactly one true group's. */
  fga: number;
  /** Parsing accuracy: share of lines whose final template text equals the true template. */
  pa: number;
  /** F1 over templates: a group is right as for FGA and its template text equals the true one. */
  fta: number;
  /** Predicted and true group counts. */
  templates: number;
  truthTemplates: number;
}

/**
 * Template text as compared for PA and FTA: whitespace runs become one space and a run of
 * wildcards separated by spaces becomes one, on both sides. The miner gives a run of adjacent
 * parameters one position on purpose, and the label sets are not consistent about it either
 * (`<*> <*>` and `<*>` for the same kind of list), so the comparison does not count it.
 */
export function normalizeTemplate(template: string): string {
  return template
    .trim()
    .replace(/\s+/g, " ")
    .replace(/<\*>(?: <\*>)+/g, "<*>");
}

function f1(correct: number, predicted: number, truth: number): number {
  if (correct === 0) return 0;
  const precision = correct / predicted;
  const recall = correct / truth;
  return (2 * precision * recall) / (precision + recall);
}

/**
 * Scores one parse. `predictedTemplates[i]` is the template the miner gave line i's group at the
 * end of the stream (templates only gain wildcards, so the last one a group returned is final).
 */
export function scoreParse(
  truthIds: readonly string[],
  truthTemplates: readonly string[],
  predictedIds: readonly string[],
  predictedTemplates: readonly string[],
): ParseScores {
  const n = truthIds.length;
  if (predictedIds.length !== n || truthTemplates.length !== n || predictedTemplates.length !== n) {
    throw new Error("truth and prediction differ in length");
  }
  const byTruth = new Map<string, number[]>();
  const byPred = new Map<string, number[]>();
  truthIds.forEach((t, i) => (byTruth.get(t) ?? byTruth.set(t, []).get(t)!).push(i));
  predictedIds.forEach((p, i) => (byPred.get(p) ?? byPred.set(p, []).get(p)!).push(i));
  let groupedLines = 0;
  let groups = 0;
  let templates = 0;
  for (const members of byPred.values()) {
    const t = truthIds[members[0]];
    const group = byTruth.get(t)!;
    if (group.length !== members.length || !members.every((i) => truthIds[i] === t)) continue;
    groupedLines += members.length;
    groups++;
    if (normalizeTemplate(predictedTemplates[members[0]]) === normalizeTemplate(truthTemplates[members[0]])) templates++;
  }
  let parsed = 0;
  for (let i = 0; i < n; i++) {
    if (normalizeTemplate(predictedTemplates[i]) === normalizeTemplate(truthTemplates[i])) parsed++;
  }
  return {
    ga: groupedLines / n,
    fga: f1(groups, byPred.size, byTruth.size),
    pa: parsed / n,
    fta: f1(templates, byPred.size, byTruth.size),
    templates: byPred.size,
    truthTemplates: byTruth.size,
  };
}
