import { SERVERS_STATE_ENV, startServers, stateFile, stopServers } from "./index";

/**
 * vitest global setup of the integration project: starts a fresh Kafka broker and OpenSearch node
 * for the run and names the state file in the environment, which the forked test processes inherit.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const state = await startServers();
  process.env[SERVERS_STATE_ENV] = stateFile(state.runDir);
  process.stderr.write(
    `test servers: Kafka ${state.kafka.brokers.join(",")} (${state.startupMs.kafka} ms), OpenSearch ${state.opensearch.url} (${state.startupMs.opensearch} ms)\n`,
  );
  return async () => {
    await stopServers(state, { keepData: process.env.LOGCLAW_KEEP_TEST_SERVERS === "1" });
  };
}
