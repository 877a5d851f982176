import { readFileSync } from "node:fs";
import { Kafka } from "kafkajs";
import {
  readServersState,
  SERVERS_STATE_ENV,
  startServers,
  stopServers,
  type ServersState,
} from "../support/servers";
import {
  BridgeProcess,
  caughtUp,
  countTenantDocs,
  createScopeTopics,
  kafkaFor,
  newScope,
  openSearchFor,
  otlpJsonBatch,
  produceRaw,
  waitFor,
} from "../runtime/services/bridge/harness";

/**
 * End to end through the real broker and node: a burst of OTLP/JSON batches (lz4) produced to
 * raw-logs while one `logclaw bridge` process consumes, until every offset is committed.
 * Figures: sustained logs/s, consumer lag when the burst ended, bridge CPU and peak memory,
 * and the servers' start-up times when this run started them.
 */
const RECORDS_PER_MESSAGE = 100;
const MESSAGES = Number(process.env.LOGCLAW_BENCH_E2E_MESSAGES ?? 1000);
const SERVICES = ["checkout", "payments", "inventory", "auth", "search", "gateway"];

function emit(bench: string, value: number, unit: string, target?: string): void {
  process.stdout.write(`${JSON.stringify({ bench, value: Math.round(value * 100) / 100, unit, ...(target ? { target } : {}) })}\n`);
}

/** utime + stime of a process in clock ticks (100 per second on Linux). */
function cpuTicks(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return Number(fields[11]) + Number(fields[12]);
}

function peakRssMb(pid: number): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return match ? Number(match[1]) / 1024 : 0;
}

async function lagOf(kafka: Kafka, groupId: string, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [high, committed] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId, topics: [topic] })]);
    const done = new Map((committed[0]?.partitions ?? []).map((p) => [p.partition, Math.max(0, Number(p.offset))]));
    return high.reduce((n, p) => n + Number(p.high) - (done.get(p.partition) ?? 0), 0);
  } finally {
    await admin.disconnect();
  }
}

async function main(): Promise<void> {
  const reuse = process.env[SERVERS_STATE_ENV];
  const servers: ServersState = reuse ? readServersState(reuse) : await startServers();
  if (!reuse) {
    emit("e2e.kafka_startup", servers.startupMs.kafka, "ms");
    emit("e2e.opensearch_startup", servers.startupMs.opensearch, "ms");
  }
  const kafka = kafkaFor(servers);
  const admin = kafka.admin();
  const producer = kafka.producer();
  const opensearch = openSearchFor(servers);
  let bridge: BridgeProcess | null = null;
  try {
    await admin.connect();
    await producer.connect();
    const scope = newScope("bench");
    await createScopeTopics(admin, scope, 6);
    const payloads = Array.from({ length: MESSAGES }, (_, m) => {
      const service = SERVICES[m % SERVICES.length]!;
      return { key: service, value: otlpJsonBatch({ service, first: m * RECORDS_PER_MESSAGE, count: RECORDS_PER_MESSAGE }) };
    });
    const total = MESSAGES * RECORDS_PER_MESSAGE;
    bridge = await BridgeProcess.start(servers, scope, { LOGCLAW_OPENSEARCH_REPLICAS: "0" });
    const pid = bridge.child.pid!;
    const ticks0 = cpuTicks(pid);
    const t0 = Date.now();
    await produceRaw(producer, scope.topics.rawLogs, payloads, 50);
    const burstMs = Date.now() - t0;
    emit("e2e.lag_after_burst", await lagOf(kafka, scope.groupId, scope.topics.rawLogs), "messages");
    emit("e2e.burst_produce_rate", total / (burstMs / 1000), "logs/s");
    await waitFor(
      async () => {
        if (bridge?.child.exitCode !== null) throw new Error(`the bridge exited with ${bridge?.child.exitCode}`);
        return caughtUp(admin, scope.groupId, scope.topics.rawLogs);
      },
      900_000,
      "the bridge to catch up",
    );
    const seconds = (Date.now() - t0) / 1000;
    const cpuSeconds = (cpuTicks(pid) - ticks0) / 100;
    const indexed = await countTenantDocs(opensearch, scope.tenantId);
    if (indexed !== total) throw new Error(`indexed ${indexed} of ${total}`);
    emit("e2e.throughput", total / seconds, "logs/s", ">=5000 on 2 shared cores");
    emit("e2e.bridge_cpu", (cpuSeconds / seconds) * 100, "% of one core");
    emit("e2e.bridge_peak_rss", peakRssMb(pid), "MiB", "<=512");
  } catch (err) {
    // The bridge's own log says why it stopped or stalled.
    process.stderr.write(bridge?.output.join("") ?? "");
    throw err;
  } finally {
    await bridge?.stop();
    await producer.disconnect();
    await admin.disconnect();
    await opensearch.close();
    if (!reuse) await stopServers(servers);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
