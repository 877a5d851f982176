import pino, { type Logger } from "pino";
import { collectDefaultMetrics, Registry } from "prom-client";

/** A started tenant service, as the process sees it. */
export interface RunningService {
  stop(): Promise<void>;
  /** Resolves when the service stopped on its own after a fatal error (absent: it never does). */
  readonly failed?: Promise<Error>;
}

/** What differs between the tenant containers' commands (`logclaw bridge`, `logclaw ticketing`). */
export interface ServiceProcessSpec<C extends { logLevel: string; instanceId: string }> {
  /** `logclaw bridge`: the prefix of the configuration error line. */
  command: string;
  /** The `service` field of every log line. */
  service: string;
  loadConfig(env: NodeJS.ProcessEnv): C;
  /** The error `loadConfig` throws for bad configuration (anything else is a bug and propagates). */
  configError: abstract new (...args: never[]) => Error;
  tenantId(config: C): string;
  start(config: C, logger: Logger, registry: Registry): Promise<RunningService>;
  /** Logged when stopping throws. */
  stopFailedMessage: string;
}

/**
 * Runs a tenant service until SIGTERM/SIGINT (stop, exit 0; exit 1 if stopping fails) or its own
 * fatal failure (exit 1). Bad configuration: one line on stderr, exit 2, before connecting anywhere.
 */
export async function runServiceProcess<C extends { logLevel: string; instanceId: string }>(
  spec: ServiceProcessSpec<C>,
  env: NodeJS.ProcessEnv,
): Promise<number> {
  let config: C;
  try {
    config = spec.loadConfig(env);
  } catch (err) {
    if (err instanceof spec.configError) {
      process.stderr.write(`${spec.command}: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  const logger = pino({ level: config.logLevel, base: { service: spec.service, tenant: spec.tenantId(config), instance: config.instanceId } });
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const running = await spec.start(config, logger, registry);
  return new Promise<number>((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      logger.info({ signal }, "stopping");
      running.stop().then(
        () => resolve(0),
        (err: unknown) => {
          logger.error({ err }, spec.stopFailedMessage);
          resolve(1);
        },
      );
    };
    process.once("SIGTERM", onSignal);
    process.once("SIGINT", onSignal);
    void running.failed?.then((err) => {
      logger.fatal({ err: err.message }, "consumer failed for good");
      void running.stop().finally(() => resolve(1));
    });
  });
}
