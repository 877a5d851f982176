import type { Command } from "commander";
import { openInput } from "../input";
import { readLines } from "../lines";

/** Output is flushed in chunks: one write per line would dominate the run time. */
const FLUSH_BYTES = 64 * 1024;

/**
 * Mines templates online from one log line per line; prints one `{"id","template"}` per line. A
 * recognized header (timestamp, level, host, process) is split off first, so the template is the
 * message body's.
 */
export async function runTemplates(input: string, out: NodeJS.WritableStream = process.stdout): Promise<void> {
  const { createTemplateMiner, splitPreamble } = require("../../bridge/template") as typeof import("../../bridge/template");
  const miner = createTemplateMiner();
  const lines = openInput("templates", input);
  // A reader that stops early (`| head`) closes the pipe: stop mining at the next line (leaving the
  // loop closes the input), it is not an error.
  let closed = false;
  let failure: Error | undefined;
  out.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code !== "EPIPE") failure = err;
    closed = true;
  });
  let buffer = "";
  for await (const line of readLines(lines)) {
    if (closed) break;
    const { message } = splitPreamble(line);
    const { id, template } = miner.add(message);
    buffer += `${JSON.stringify({ id, template })}\n`;
    if (buffer.length >= FLUSH_BYTES) {
      if (!out.write(buffer)) await new Promise((resolve) => out.once("drain", resolve).once("error", resolve));
      buffer = "";
    }
  }
  if (buffer && !closed) out.write(buffer);
  if (failure) throw new Error(`templates: cannot write the output: ${failure.message}`);
}

export function registerTemplatesCommands(program: Command): void {
  program
    .command("templates")
    .description(
      "Mine log templates online: one JSON {id, template} per input line, in input order " +
        "(a line's timestamp/level header is split off first).",
    )
    .requiredOption("--input <file>", "log file with one message per line, or - for stdin")
    .action(async (opts: { input: string }) => {
      try {
        await runTemplates(opts.input);
      } catch (err) {
        process.stderr.write(`logclaw: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exitCode = 1;
      }
    });
}
