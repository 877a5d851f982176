import type { Command } from "commander";
import pino from "pino";
import { Registry, collectDefaultMetrics } from "prom-client";
import { BridgeConfigError, loadBridgeConfig, startBridge } from "../../bridge-service";

/**
 * Runs the production bridge until SIGTERM/SIGINT (drain, commit, exit 0) or a fatal consumer
 * failure (exit 1). Bad configuration: one line on stderr, exit 2, before connecting anywhere.
 */
export async function runBridgeCommand(env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let config;
  try {
    config = loadBridgeConfig(env);
  } catch (err) {
    if (err instanceof BridgeConfigError) {
      process.stderr.write(`logclaw bridge: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  const logger = pino({ level: config.logLevel, base: { service: "logclaw-bridge", tenant: config.tenantId, instance: config.instanceId } });
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const bridge = await startBridge(config, logger, registry);
  return new Promise<number>((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      logger.info({ signal }, "stopping");
      bridge.stop().then(
        () => resolve(0),
        (err: unknown) => {
          logger.error({ err }, "drain failed");
          resolve(1);
        },
      );
    };
    process.once("SIGTERM", onSignal);
    process.once("SIGINT", onSignal);
    void bridge.failed.then((err) => {
      logger.fatal({ err: err.message }, "consumer failed for good");
      void bridge.stop().finally(() => resolve(1));
    });
  });
}

export function registerBridgeCommands(program: Command): void {
  program
    .command("bridge")
    .description("Production bridge: consume raw-logs, detect, index into OpenSearch, publish to Kafka (configured by LOGCLAW_* environment variables)")
    .action(async () => {
      process.exitCode = await runBridgeCommand();
    });
}
