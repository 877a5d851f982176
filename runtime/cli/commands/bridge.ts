import type { Command } from "commander";

/**
 * Runs the production bridge until SIGTERM/SIGINT (drain, commit, exit 0) or a fatal consumer
 * failure (exit 1). Bad configuration: one line on stderr, exit 2, before connecting anywhere.
 */
export function runBridgeCommand(env: NodeJS.ProcessEnv = process.env): Promise<number> {
  // Loaded on use: Kafka, OpenSearch and the pipeline would slow every other command's start.
  const { BridgeConfigError, loadBridgeConfig, startBridge } = require("../../services/bridge") as typeof import("../../services/bridge");
  const { runServiceProcess } = require("../service-process") as typeof import("../service-process");
  return runServiceProcess(
    {
      command: "logclaw bridge",
      service: "logclaw-bridge",
      loadConfig: loadBridgeConfig,
      configError: BridgeConfigError,
      tenantId: (config) => config.tenantId,
      start: startBridge,
      stopFailedMessage: "drain failed",
    },
    env,
  );
}

export function registerBridgeCommands(program: Command): void {
  program
    .command("bridge")
    .description("Production bridge: consume raw-logs, detect, index into OpenSearch, publish to Kafka (configured by LOGCLAW_* environment variables)")
    .action(async () => {
      process.exitCode = await runBridgeCommand();
    });
}
