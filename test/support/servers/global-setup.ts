import { readServersState, SERVERS_STATE_ENV, startServers, stateFile, stopServers } from "./index";

/**
 * vitest global setup of the integration project: starts a fresh Kafka broker and OpenSearch node
 * for the run and names the state file in the environment, which the forked test processes inherit.
 * When LOGCLAW_TEST_SERVERS_STATE already names a state file (servers started with the CLI), those
 * servers are used and left running.
 */
export default async function setup(): Promise<(() => Promise<void>) | undefined> {
  const existing = process.env[SERVERS_STATE_ENV];
  if (existing) {
    readServersState(existing);
    return undefined;
  }
  const state = await startServers();
  process.env[SERVERS_STATE_ENV] = stateFile(state.runDir);
  process.stderr.write(
    `test servers: Kafka ${state.kafka.brokers.join(",")} (${state.startupMs.kafka} ms), OpenSearch ${state.opensearch.url} (${state.startupMs.opensearch} ms)\n`,
  );
  return async () => {
    // The state file, not the state above: fault tests restart a server and record its new process there.
    await stopServers(readServersState(stateFile(state.runDir)), { keepData: process.env.LOGCLAW_KEEP_TEST_SERVERS === "1" });
  };
}
