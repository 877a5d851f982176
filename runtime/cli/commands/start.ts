import type { Command } from "commander";
import { createWriteStream, mkdirSync } from "node:fs";
import { join } from "node:path";
import { version } from "../../../package.json";
import { DEFAULT_DATA_DIR, LOCAL_ENV_VARS, type LocalFlags } from "../../services/local/flags";


/** Runs local mode until SIGINT/SIGTERM; resolves after the flush. */
export async function runStart(flags: LocalFlags): Promise<void> {
  // Loaded on use, so `logclaw --help` and the other commands start fast.
  const { buildLocalConfig } = require("../../services/local/config") as typeof import("../../services/local/config");
  const { renderBanner, renderCounters } = require("../../services/local/banner") as typeof import("../../services/local/banner");
  const pino = require("pino") as typeof import("pino");
  const interactive = Boolean(process.stdout.isTTY);
  const config = buildLocalConfig(flags, process.env, process.cwd(), interactive);
  mkdirSync(config.dataDir, { recursive: true });
  // Structured logs go to a file; the terminal gets the banner, counters and incident lines.
  const logger = pino(
    { level: config.logLevel, base: { service: "logclaw-local" } },
    pino.multistream([
      { level: config.logLevel === "silent" ? "silent" : "trace", stream: createWriteStream(join(config.dataDir, "logclaw.log"), { flags: "a" }) },
      { level: "warn", stream: process.stderr },
    ]),
  );
  if (interactive) process.stdout.write(`  starting LogClaw: opening ${config.dataDir}…`);
  // Loaded on use: the receivers, pipeline and server would slow every other command's start.
  const { startLocalMode } = require("../../services/local/local-mode") as typeof import("../../services/local/local-mode");
  const { createLocalModeFactory } = require("../../services/local/parts") as typeof import("../../services/local/parts");
  // Log rows commit on their own thread while the event loop decodes and detects the next requests.
  const { openLogWriterThread } = require("../../store/sqlite/log-writer-thread") as typeof import("../../store/sqlite/log-writer-thread");
  // Without its writer the process can store no log again: it says why and stops, exit 1.
  const writerStopped = new AbortController();
  const onStopped = (reason: Error): void => {
    process.stderr.write(`logclaw start: ${reason.message}; stopping (what it could not store was refused, nothing acknowledged is lost)\n`);
    process.exitCode = 1;
    writerStopped.abort();
  };
  const handle = await startLocalMode(config, createLocalModeFactory(process.env), logger, undefined, (dataDir) => openLogWriterThread(dataDir, { onStopped }));
  if (interactive) process.stdout.write("\r\x1b[2K");
  process.stdout.write(
    renderBanner(
      {
        version,
        dashboardUrl: handle.urls.dashboard,
        otlpHttpUrl: handle.urls.otlpHttp,
        otlpGrpcUrl: handle.urls.otlpGrpc,
        dataDir: config.dataDir,
        ticketsDir: config.ticketsDir,
        apiKeyRequired: Boolean(config.apiKey),
        ticketing: handle.ticketing.describe,
        rca: handle.ticketing.rca,
      },
      interactive,
    ) + "\n",
  );
  const counters = interactive
    ? setInterval(() => process.stdout.write(`\r\x1b[2K${renderCounters(handle.stats(), true)}`), 1000)
    : null;
  await new Promise<void>((resolve) => {
    const stop = (signal: string): void => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      writerStopped.signal.removeEventListener("abort", onWriterStopped);
      if (counters) clearInterval(counters);
      process.stdout.write(`${interactive ? "\n" : ""}  ${signal}: flushing and stopping…\n`);
      handle.close().then(() => {
        process.stdout.write(`  stopped; data kept in ${config.dataDir}\n`);
        resolve();
      }, (err: unknown) => {
        process.stderr.write(`logclaw: shutdown failed: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exitCode = 1;
        resolve();
      });
    };
    const onWriterStopped = (): void => stop("log writer stopped");
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
    if (writerStopped.signal.aborted) onWriterStopped();
    else writerStopped.signal.addEventListener("abort", onWriterStopped, { once: true });
  });
}

export function registerStartCommands(program: Command): void {
  program
    .command("start")
    .description("Run LogClaw on this machine: OTLP receivers, detection, ticketing, the API and the dashboard in one process.")
    .option("--data <dir>", `data folder (store, detection state, logs) [env ${LOCAL_ENV_VARS.data}, default ${DEFAULT_DATA_DIR}]`)
    .option("--host <address>", `address every port binds [env ${LOCAL_ENV_VARS.host}, default 127.0.0.1]`)
    .option("--port <port>", `dashboard and HTTP API port [env ${LOCAL_ENV_VARS.port}, default 3000]`)
    .option("--otlp-http-port <port>", `OTLP/HTTP receiver port [env ${LOCAL_ENV_VARS.otlpHttpPort}, default 4318]`)
    .option("--otlp-grpc-port <port>", `OTLP/gRPC receiver port [env ${LOCAL_ENV_VARS.otlpGrpcPort}, default 4317]`)
    .option("--api-key <key>", `require this key on OTLP requests (x-logclaw-api-key), the dashboard (login page) and /api (Bearer or x-logclaw-api-key) [env ${LOCAL_ENV_VARS.apiKey}]`)
    .option("--insecure-no-auth", `allow --host beyond loopback without --api-key [env ${LOCAL_ENV_VARS.insecureNoAuth}=1]`)
    .option("--tenant <id>", `tenant id stamped on logs and incidents [env ${LOCAL_ENV_VARS.tenant}, default local]`)
    .option("--tenant-file <file>", `tenant file whose ticket platforms and LLM to use (credentials from LOGCLAW_<PLATFORM>_<PROPERTY>, LOGCLAW_LLM_API_KEY) [env ${LOCAL_ENV_VARS.tenantFile}]`)
    .option("--retention-days <days>", `delete logs and incidents older than this [env ${LOCAL_ENV_VARS.retentionDays}, default 7]`)
    .option("--tickets-dir <dir>", `where tickets are written when no platform is configured [env ${LOCAL_ENV_VARS.ticketsDir}, default <data>/../tickets]`)
    .option("--log-level <level>", `level of <data>/logclaw.log [env ${LOCAL_ENV_VARS.logLevel}, default info]`)
    .action(async (opts: LocalFlags) => {
      try {
        await runStart(opts);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        const code = (err as NodeJS.ErrnoException).code;
        process.stderr.write(`logclaw start: ${code === "EADDRINUSE" ? `port already in use (${message}); pass another --port / --otlp-*-port` : message}\n`);
        process.exitCode = 1;
      }
    });
}
