import type { Command } from "commander";
import { BridgeConfigError, loadBridgeConfig, startBridge } from "../../services/bridge";
import { runServiceProcess } from "../service-process";

/**
 * Runs the production bridge until SIGTERM/SIGINT (drain, commit, exit 0) or a fatal consumer
 * failure (exit 1). Bad configuration: one line on stderr, exit 2, before connecting anywhere.
 */
export function runBridgeCommand(env: NodeJS.ProcessEnv = process.env): Promise<number> {
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
