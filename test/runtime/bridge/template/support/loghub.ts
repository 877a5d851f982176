import { readFileSync } from "node:fs";
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
  /** Ground-truth group key (`EventId` of the ICSE'22-corrected labels). */
  eventId: string;
}

const repoRoot = resolve(__dirname, "..", "..", "..", "..", "..");

/** `../shared/datasets/loghub-2k`, read in place; never copied into the repository. */
export const loghubRoot = resolve(repoRoot, "..", "shared", "datasets", "loghub-2k");

/** RFC-4180 rows: quoted cells may hold commas, doubled quotes and newlines. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(cell);
      cell = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
    } else cell += c;
  }
  if (cell !== "" || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

/** Reads one system's raw lines joined with the corrected ground truth, by `LineId`. */
export function loadLoghub(system: LoghubSystem): LabelledLine[] {
  const dir = join(loghubRoot, system);
  const rawLines = readFileSync(join(dir, `${system}_2k.log`), "utf8")
    .split("\n")
    .map((l) => l.replace(/\r$/, ""));
  const [header, ...rows] = parseCsv(readFileSync(join(dir, `${system}_2k.log_structured_corrected.csv`), "utf8"));
  const col = (name: string): number => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`${system}: no ${name} column`);
    return i;
  };
  const lineId = col("LineId");
  const content = col("Content");
  const eventId = col("EventId");
  return rows
    .filter((r) => r.length === header.length && r[eventId] !== "")
    .map((r) => ({ raw: rawLines[Number(r[lineId]) - 1], content: r[content], eventId: r[eventId] }));
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
