import type { Command } from "commander";
import { loadTicketingConfig, startTicketing, TicketingConfigError } from "../../services/ticketing";
import { runServiceProcess } from "../service-process";

/**
 * Runs the production ticketing agent until SIGTERM/SIGINT (stop intake, flush due ticket calls,
 * exit 0). Bad configuration: one line on stderr, exit 2, before connecting anywhere.
 */
export function runTicketingCommand(env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return runServiceProcess(
    {
      command: "logclaw ticketing",
      service: "logclaw-ticketing",
      loadConfig: loadTicketingConfig,
      configError: TicketingConfigError,
      tenantId: (config) => config.tenant.id,
      start: (config, logger, registry) => startTicketing(config, logger, registry),
      stopFailedMessage: "stop failed",
    },
    env,
  );
}

export function registerTicketingCommands(program: Command): void {
  program
    .command("ticketing")
    .description(
      "Production ticketing agent: consume incidents, write the RCA, file deduplicated tickets, serve the API (configured by LOGCLAW_* environment variables)",
    )
    .action(async () => {
      process.exitCode = await runTicketingCommand();
    });
}
