import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { isAlive } from "./processes";
import { readServersState, serversCacheDir, startServers, stateFile, stopServers } from "./index";

/**
 * `npx tsx test/support/servers/cli.ts start|stop|status`: runs the test Kafka broker and
 * OpenSearch node in the background for working by hand. Connection info is printed and kept in
 * `<cache>/cli/state.json` (environment variables ready to paste for `logclaw bridge`).
 */
const runDir = join(serversCacheDir(), "cli");

function describe(): string {
  const state = readServersState(stateFile(runDir));
  return JSON.stringify(
    {
      stateFile: stateFile(runDir),
      kafka: { brokers: state.kafka.brokers, pid: state.kafka.pid, alive: isAlive(state.kafka.pid), log: state.kafka.logFile },
      opensearch: { url: state.opensearch.url, pid: state.opensearch.pid, alive: isAlive(state.opensearch.pid), log: state.opensearch.logFile },
      env: {
        LOGCLAW_KAFKA_BROKERS: state.kafka.brokers.join(","),
        LOGCLAW_KAFKA_SASL_MECHANISM: "none",
        LOGCLAW_OPENSEARCH_URL: state.opensearch.url,
      },
    },
    null,
    2,
  );
}

async function main(command: string | undefined): Promise<number> {
  const running = existsSync(stateFile(runDir));
  switch (command) {
    case "start": {
      if (running) {
        process.stderr.write(`servers already started (${stateFile(runDir)}); run stop first\n`);
        return 1;
      }
      mkdirSync(runDir, { recursive: true });
      const state = await startServers({ runDir });
      process.stderr.write(`started Kafka in ${state.startupMs.kafka} ms, OpenSearch in ${state.startupMs.opensearch} ms\n`);
      process.stdout.write(`${describe()}\n`);
      return 0;
    }
    case "stop":
      if (!running) {
        process.stderr.write("no servers started\n");
        return 0;
      }
      await stopServers(readServersState(stateFile(runDir)));
      return 0;
    case "status":
      if (!running) {
        process.stderr.write("no servers started\n");
        return 1;
      }
      process.stdout.write(`${describe()}\n`);
      return 0;
    default:
      process.stderr.write(`usage: cli.ts start|stop|status (got ${command ?? "nothing"})\n`);
      return 2;
  }
}

main(process.argv[2]).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
