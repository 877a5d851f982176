import type { Command } from "commander";
import { openInput } from "../input";
import { readLines } from "../lines";
import type { BatchResult } from "../../bridge";

export interface ReplayOptions {
  input: string;
  tenant: string;
}

export interface ReplaySummary {
  lines: number;
  badLines: number;
  accepted: number;
  rejected: number;
  opened: number;
  /** Where the first input the pipeline could not use was (`file:line`), and why; null when all was usable. */
  firstInvalid: { at: string; reason: string } | null;
}

/**
 * Replays OTLP/JSON export requests (one per line) through the full pipeline in event time and writes
 * each incident as it opens, one JSON object per line. Bad lines and records are explained on `err`
 * with their line number and skipped; the command then exits 1 naming the first of them.
 */
export async function runReplay(
  options: ReplayOptions,
  out: NodeJS.WritableStream = process.stdout,
  err: NodeJS.WritableStream = process.stderr,
): Promise<ReplaySummary> {
  // Loaded on use, so other commands do not pay for the pipeline.
  const { BridgePipeline } = require("../../bridge/pipeline") as typeof import("../../bridge/pipeline");
  const { createTemplateMiner } = require("../../bridge/template") as typeof import("../../bridge/template");
  const pipeline = new BridgePipeline({ tenantId: options.tenant, miner: createTemplateMiner() });
  const name = options.input === "-" ? "stdin" : options.input;
  const summary: ReplaySummary = { lines: 0, badLines: 0, accepted: 0, rejected: 0, opened: 0, firstInvalid: null };
  const emit = async (result: BatchResult, lineNo: number | null) => {
    summary.accepted += result.accepted;
    summary.rejected += result.rejected;
    if (result.rejections.length > 0 && result.accepted === 0 && lineNo !== null) summary.badLines += 1;
    for (const d of result.rejections) err.write(`replay: ${d.source}: ${d.reason}\n`);
    const first = result.rejections[0];
    if (first && summary.firstInvalid === null) summary.firstInvalid = { at: first.source.split(" ")[0]!, reason: first.reason };
    let text = "";
    for (const e of result.incidentEvents) {
      if (e.type !== "opened") continue;
      summary.opened += 1;
      text += `${JSON.stringify(e.incident)}\n`;
    }
    if (text && !out.write(text)) await new Promise((resolve) => out.once("drain", resolve));
  };
  let lineNo = 0;
  for await (const raw of readLines(openInput("replay", options.input))) {
    lineNo += 1;
    const line = raw.trim();
    if (line === "") continue;
    summary.lines += 1;
    const source = `${name}:${lineNo}`;
    await emit(isTracesRequest(line) ? pipeline.processTraces(line, "json", source) : pipeline.processOtlp(line, "json", source), lineNo);
  }
  await emit(pipeline.flush(), null);
  err.write(
    `replay: ${summary.lines} lines (${summary.badLines} unusable), ${summary.accepted} records accepted, ${summary.rejected} rejected, ${summary.opened} incidents opened\n`,
  );
  return summary;
}

const LEADING_KEY = /^\{\s*"resource(Logs|Spans)"/;

/**
 * Whether a line is an `ExportTraceServiceRequest` (`resourceSpans`) rather than logs. Exporters write
 * the one key first; anything else is parsed to look (a line that is not JSON goes to the logs path,
 * which explains it).
 */
export function isTracesRequest(line: string): boolean {
  const m = LEADING_KEY.exec(line);
  if (m) return m[1] === "Spans";
  try {
    const parsed: unknown = JSON.parse(line);
    return typeof parsed === "object" && parsed !== null && "resourceSpans" in parsed && !("resourceLogs" in parsed);
  } catch {
    return false;
  }
}

export function registerReplayCommands(program: Command): void {
  program
    .command("replay")
    .description(
      "Replay OTLP/JSON ExportLogsServiceRequest and ExportTraceServiceRequest lines in any mix (what the collector's Kafka exporters write with otlp_json) through detection in event time; prints one incident JSON per line as each opens.",
    )
    .requiredOption("--input <file>", "file with one ExportLogsServiceRequest or ExportTraceServiceRequest JSON object per line, or - for stdin")
    .option("--tenant <id>", "tenant id stamped on documents and incidents", "local")
    .action(async (opts: ReplayOptions) => {
      try {
        const summary = await runReplay(opts);
        if (summary.firstInvalid) {
          // Everything usable was replayed; the exit status still says the input was not all valid.
          process.stderr.write(`logclaw replay: invalid input at ${summary.firstInvalid.at} (first of ${summary.rejected} rejected): ${summary.firstInvalid.reason}\n`);
          process.exitCode = 1;
        }
      } catch (error) {
        process.stderr.write(`logclaw: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exitCode = 1;
      }
    });
}
