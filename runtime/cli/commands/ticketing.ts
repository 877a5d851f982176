import type { Command } from "commander";

/**
 * Runs the production ticketing agent until SIGTERM/SIGINT (stop intake, flush due ticket calls,
 * exit 0). Bad configuration: one line on stderr, exit 2, before connecting anywhere.
 */
export function runTicketingCommand(env: NodeJS.ProcessEnv = process.env): Promise<number> {
  // Loaded on use: Kafka, OpenSearch and the platform clients would slow every other command's start.
  const { loadTicketingConfig, startTicketing, TicketingConfigError } = require("../../services/ticketing") as typeof import("../../services/ticketing");
  const { runServiceProcess } = require("../service-process") as typeof import("../service-process");
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
