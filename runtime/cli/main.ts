import { Command, CommanderError } from "commander";
import { version } from "../../package.json";
import { commandModules } from "./commands";

/** Builds the `logclaw` program; each command module adds its own subcommands. */
export function buildProgram(): Command {
  const program = new Command("logclaw")
    .description("LogClaw: OTLP logs in, incidents with a root cause and one deduplicated ticket out.")
    .version(version, "-V, --version", "print the version and exit")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride();
  for (const register of commandModules) register(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander already printed the reason (or the help text) to the right stream.
      process.exitCode = err.exitCode;
      return;
    }
    throw err;
  }
}
