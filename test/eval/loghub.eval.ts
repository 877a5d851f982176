/**
 * Loghub 2k grouping accuracy (GA) of the template miner, one default configuration for every
 * system. Prints one JSON line per (labels, input, system) and one average per (labels, input).
 *
 * Inputs, stated in every line as `input`:
 * - `content`: the `Content` column of the structured CSV, i.e. the message after the benchmark's
 *   per-dataset header regex. This is the standard practice of the Loghub tables.
 * - `raw-split`: the whole raw line of `<Name>_2k.log`, through the generic `splitPreamble` (no
 *   per-dataset format) and then the miner: exactly what `logclaw templates` does.
 * - `raw-unsplit`: the whole raw line fed to the miner as is, header included.
 * Labels: `corrected` (`_structured_corrected.csv`, Khan et al. ICSE'22, the target), `original`
 * (`_structured.csv`, ICSE'19, the labels of the published Drain table) and `loghub-2.0`
 * (ISSTA'24 revision, grouped by template string; 8 systems, not Android and Windows). Data is read in place
 * from ../shared/datasets/loghub-2k, never copied.
 */
import { createTemplateMiner, splitPreamble } from "../../runtime/bridge/template";
import {
  LOGHUB_SYSTEMS,
  groupingAccuracy,
  hasLabels,
  loadLoghub,
  type LabelledLine,
  type LoghubLabels,
} from "../runtime/bridge/template/support/loghub";

const INPUTS: Record<string, (l: LabelledLine) => string> = {
  content: (l) => l.content,
  "raw-split": (l) => splitPreamble(l.raw).message,
  "raw-unsplit": (l) => l.raw,
};

function print(line: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

for (const labels of ["corrected", "original", "loghub-2.0"] as LoghubLabels[]) {
  const systems = LOGHUB_SYSTEMS.filter((s) => hasLabels(s, labels));
  for (const [input, feed] of Object.entries(INPUTS)) {
    const scores: number[] = [];
    for (const system of systems) {
      const lines = loadLoghub(system, labels);
      const miner = createTemplateMiner();
      const ids = lines.map((l) => miner.add(feed(l)).id);
      const truth = lines.map((l) => l.eventId);
      const ga = groupingAccuracy(truth, ids);
      scores.push(ga);
      print({
        eval: "templates.loghub.ga",
        labels,
        input,
        system,
        value: Number(ga.toFixed(4)),
        templates: new Set(ids).size,
        truthTemplates: new Set(truth).size,
        lines: lines.length,
      });
    }
    const average = scores.reduce((a, b) => a + b, 0) / scores.length;
    print({
      eval: "templates.loghub.ga.average",
      labels,
      input,
      systems: systems.length,
      value: Number(average.toFixed(4)),
      target: labels === "corrected" && input !== "raw-unsplit" ? ">=0.95" : undefined,
    });
  }
}
