import type { Command } from "commander";
import pino from "pino";
import { collectDefaultMetrics, Registry } from "prom-client";
import { loadTicketingConfig, startTicketing, TicketingConfigError } from "../../ticketing/service";

/**
 * Runs the production ticketing agent until SIGTERM/SIGINT (stop intake, flush due ticket calls,
 * exit 0). Bad configuration: one line on stderr, exit 2, before connecting anywhere.
 */
export async function runTicketingCommand(env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let config;
  try {
    config = loadTicketingConfig(env);
  } catch (err) {
    if (err instanceof TicketingConfigError) {
      process.stderr.write(`logclaw ticketing: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  const logger = pino({
    level: config.logLevel,
    base: { service: "logclaw-ticketing", tenant: config.tenant.id, instance: config.instanceId },
  });
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const agent = await startTicketing(config, logger, registry);
  return new Promise<number>((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      logger.info({ signal }, "stopping");
      agent.stop().then(
        () => resolve(0),
        (err: unknown) => {
          logger.error({ err: (err as Error).message }, "stop failed");
          resolve(1);
        },
      );
    };
    process.once("SIGTERM", onSignal);
    process.once("SIGINT", onSignal);
  });
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
