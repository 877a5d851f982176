import type { TestProject } from "vitest/node";
import { SERVERS_STATE_ENV, startServers, stateFile, stopServers } from "./index";

/**
 * vitest global setup of the integration project: starts a fresh Kafka broker and OpenSearch node
 * for the run and tells the test processes where the state file is (they inherit the environment).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const state = await startServers();
  process.env[SERVERS_STATE_ENV] = stateFile(state.runDir);
  project.provide(SERVERS_STATE_ENV, stateFile(state.runDir));
  process.stderr.write(
    `test servers: Kafka ${state.kafka.brokers.join(",")} (${state.startupMs.kafka} ms), OpenSearch ${state.opensearch.url} (${state.startupMs.opensearch} ms)\n`,
  );
  return async () => {
    await stopServers(state, { keepData: process.env.LOGCLAW_KEEP_TEST_SERVERS === "1" });
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    [SERVERS_STATE_ENV]: string;
  }
}
