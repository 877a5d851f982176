import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { setTimeout as delay } from "node:timers/promises";
import { CompressionTypes, type Admin, type Message } from "kafkajs";
import type { Client } from "@opensearch-project/opensearch";
import { BRIDGE_STATE_INDEX } from "../../contracts/opensearch/index-names";
import { generateScenario } from "../../runtime/scenarios/generate";
import type { ScenarioLog } from "../../runtime/scenarios/types";
import { readServersState, SERVERS_STATE_ENV, startServers, stopServers, type ServersState } from "../support/servers";
import { BridgeProcess, connectClients, createScopeTopics, newScope } from "../runtime/services/bridge/harness";

/**
 * The production path end to end, sustained: a producer writes OTLP/JSON ExportLogsServiceRequests
 * to `raw-logs` (6 partitions, LZ4, one message per resource and flush as the collector's Kafka
 * exporter does, keyed by resource) at a target rate for a duration, while one real `logclaw bridge`
 * process consumes into a real OpenSearch node; broker, node, bridge and producer share the machine.
 * The content is the scenario generator's microservice traffic (looped), stamped with the wall clock
 * when produced; every record carries its sequence number (`bench_seq`) so lost and duplicated
 * records are counted exactly against OpenSearch afterwards.
 *
 * `npm run bench -- e2e [--duration 300] [--rate 10000] [--cpu-prof DIR] [--bridge-node-arg OPTION]...`.
 * Prints one JSON line every ~10 s (produced, indexed, consumer lag, bridge CPU, RSS) and a summary:
 * sustained rate, lag over time (bounded or not), CPU µs per record of the bridge, the broker, the
 * node and the producer, peak memory, lost and duplicated records.
 * Starts its own Kafka and OpenSearch (the integration tests' Maven jars) unless
 * LOGCLAW_TEST_SERVERS_STATE names running ones, and stops what it started.
 */
const { values: args } = parseArgs({
  options: {
    duration: { type: "string", default: "300" },
    rate: { type: "string", default: "10000" },
    "cpu-prof": { type: "string" },
    /** Node options of the bridge process, for experiments (e.g. `--max-semi-space-size=64`). */
    "bridge-node-arg": { type: "string", multiple: true, default: [] },
  },
  strict: true,
});
const DURATION_S = Number(args.duration);
const RATE = Number(args.rate);
if (!(DURATION_S > 0) || !(RATE > 0)) throw new Error(`--duration and --rate must be positive numbers (got ${args.duration}, ${args.rate})`);

const PARTITIONS = 6;
/** The producer flushes every 200 ms, as the collector's batch processor does below 4096 records per flush. */
const FLUSH_MS = 200;
/** The collector's send_batch_max_size, split by resource: one message holds at most this many records. */
const MAX_RECORDS_PER_MESSAGE = 8192;
const SAMPLE_MS = 10_000;
const SEQ_KEY = "bench_seq";

function line(record: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(record)}\n`);
}

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
const load1 = () => round(loadavg()[0] ?? 0, 2);

/** utime + stime of a process in seconds (clock ticks of 1/100 s on Linux). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function memoryMib(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB$`, "m").exec(status)?.[1] ?? 0);
  return { rss: round(kib("VmRSS") / 1024), peak: round(kib("VmHWM") / 1024) };
}

/** FNV-1a: the bench picks each key's partition itself, so it knows which records every offset holds. */
function partitionOf(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i += 1) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193) >>> 0;
  return h % PARTITIONS;
}

function attributeValue(v: string | number | boolean) {
  if (typeof v === "number") return Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v };
  return typeof v === "boolean" ? { boolValue: v } : { stringValue: v };
}

/** Pods per service: the collector partitions by resource, so a busy service spreads over partitions. */
const PODS = 3;

/** One resource's records as the collector's otlp_json encoding writes them. */
function otlpJson(service: string, pod: string, logs: readonly ScenarioLog[], firstSeq: number, nowMs: number): string {
  return JSON.stringify({
    resourceLogs: [
      {
        resource: {
          attributes: [
            { key: "service.name", value: { stringValue: service } },
            { key: "k8s.pod.name", value: { stringValue: pod } },
            { key: "deployment.environment", value: { stringValue: "bench" } },
          ],
        },
        scopeLogs: [
          {
            scope: { name: "logclaw-bench" },
            logRecords: logs.map((r, k) => ({
              // Stamped now, in order within the flush (1 µs apart).
              timeUnixNano: `${BigInt(nowMs) * 1_000_000n + BigInt(k) * 1000n}`,
              severityNumber: r.severityNumber,
              severityText: r.severityText,
              body: { stringValue: r.body },
              ...(r.traceId ? { traceId: r.traceId } : {}),
              ...(r.spanId ? { spanId: r.spanId } : {}),
              attributes: [
                ...Object.entries(r.attributes).map(([key, v]) => ({ key, value: attributeValue(v) })),
                { key: SEQ_KEY, value: { intValue: String(firstSeq + k) } },
              ],
            })),
          },
        ],
      },
    ],
  });
}

/** Records produced per partition, cumulative by offset: the lag in records at any committed offset. */
class ProducedLedger {
  readonly cumulative: number[][] = Array.from({ length: PARTITIONS }, () => []);
  records = 0;
  messages = 0;

  add(partition: number, baseOffset: number, counts: readonly number[]): void {
    const list = this.cumulative[partition]!;
    // Offsets of a fresh topic start at 0 and a partition's sends are awaited in order.
    if (baseOffset !== list.length) throw new Error(`partition ${partition}: expected offset ${list.length}, broker assigned ${baseOffset}`);
    let total = list.length > 0 ? list[list.length - 1]! : 0;
    for (const c of counts) {
      total += c;
      list.push(total);
    }
    this.records += counts.reduce((a, b) => a + b, 0);
    this.messages += counts.length;
  }

  /** Records in offsets at or after each partition's committed offset. */
  lagRecords(committed: ReadonlyMap<number, number>): { messages: number; records: number } {
    let messages = 0;
    let records = 0;
    this.cumulative.forEach((list, p) => {
      const done = Math.min(committed.get(p) ?? 0, list.length);
      messages += list.length - done;
      records += (list.length > 0 ? list[list.length - 1]! : 0) - (done > 0 ? list[done - 1]! : 0);
    });
    return { messages, records };
  }
}

async function committedOffsets(admin: Admin, groupId: string, topic: string): Promise<Map<number, number>> {
  const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return new Map((committed?.partitions ?? []).map((p) => [p.partition, Math.max(0, Number(p.offset))]));
}

function metricValue(text: string, name: string): number {
  let sum = 0;
  for (const l of text.split("\n")) if (l.startsWith(name) && (l[name.length] === " " || l[name.length] === "{")) sum += Number(l.slice(l.lastIndexOf(" ") + 1));
  return sum;
}

/** Every indexed document's sequence number, read back with a scroll: lost and duplicated records, exactly. */
async function verify(opensearch: Client, tenantId: string, produced: number): Promise<{ documents: number; lost: number; duplicated: number; foreign: number }> {
  await opensearch.indices.refresh({ index: "logclaw-logs-*", ignore_unavailable: true, allow_no_indices: true });
  const seen = new Uint8Array(produced);
  let documents = 0;
  let duplicated = 0;
  let foreign = 0;
  let response = await opensearch.search({
    index: "logclaw-logs-*",
    scroll: "2m",
    size: 10_000,
    body: { query: { term: { tenant_id: tenantId } }, _source: [`attributes.${SEQ_KEY}`], sort: ["_doc"] },
  });
  for (;;) {
    const hits = (response.body.hits.hits ?? []) as { _source?: { attributes?: Record<string, unknown> } }[];
    if (hits.length === 0) break;
    for (const hit of hits) {
      documents += 1;
      const seq = Number(hit._source?.attributes?.[SEQ_KEY]);
      if (!Number.isInteger(seq) || seq < 0 || seq >= produced) foreign += 1;
      else if (seen[seq]) duplicated += 1;
      else seen[seq] = 1;
    }
    response = await opensearch.scroll({ scroll_id: response.body._scroll_id as string, scroll: "2m" });
  }
  if (response.body._scroll_id) await opensearch.clearScroll({ scroll_id: response.body._scroll_id as string }).catch(() => undefined);
  let lost = 0;
  for (let i = 0; i < produced; i += 1) if (!seen[i]) lost += 1;
  return { documents, lost, duplicated, foreign };
}

/** Mean size of the group's partition checkpoints (written to OpenSearch once per slice). */
async function checkpointBytes(opensearch: Client, groupId: string): Promise<number> {
  const response = await opensearch.search({ index: BRIDGE_STATE_INDEX, size: 100, body: { query: { prefix: { partition: `${groupId}/` } } } });
  const states = (response.body.hits.hits as { _source?: { state?: string } }[]).map((h) => h._source?.state?.length ?? 0);
  return states.length === 0 ? 0 : states.reduce((a, b) => a + b, 0) / states.length;
}

/** Least-squares slope of y over x (per second when x is in seconds). */
function slope(points: readonly { x: number; y: number }[]): number {
  if (points.length < 2) return 0;
  const mx = points.reduce((s, p) => s + p.x, 0) / points.length;
  const my = points.reduce((s, p) => s + p.y, 0) / points.length;
  const sxx = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  return sxx === 0 ? 0 : points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0) / sxx;
}

async function main(): Promise<void> {
  const reuse = process.env[SERVERS_STATE_ENV];
  let servers: ServersState | null = null;
  let bridge: BridgeProcess | null = null;
  let clients: Awaited<ReturnType<typeof connectClients>> | null = null;
  let interrupted = false;
  const cleanup = async () => {
    await bridge?.stop().catch(() => undefined);
    await clients?.close().catch(() => undefined);
    if (servers && !reuse) await stopServers(servers).catch(() => undefined);
  };
  // Ctrl-C or a SIGTERM mid-run still stops the bridge and the servers this run started.
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      interrupted = true;
      void cleanup().finally(() => process.exit(130));
    });
  }
  try {
    servers = reuse ? readServersState(reuse) : await startServers();
    if (!reuse) line({ bench: "e2e.servers_startup", kafkaMs: servers.startupMs.kafka, opensearchMs: servers.startupMs.opensearch });
    clients = await connectClients(servers);
    const { admin, producer, opensearch } = clients;
    const scope = newScope("bench");
    await createScopeTopics(admin, scope, PARTITIONS);
    const pool = generateScenario({ seed: 17, startMs: Date.now() - 3_600_000, durationMs: 20 * 60_000, requestsPerSecond: 25 }).logs;

    const profileDir = args["cpu-prof"];
    const nodeArgs = [...(args["bridge-node-arg"] ?? []), ...(profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : [])];
    bridge = await BridgeProcess.start(servers, scope, { LOGCLAW_OPENSEARCH_REPLICAS: "0" }, nodeArgs);
    const pid = bridge.child.pid!;
    const running = bridge;
    const assertAlive = () => {
      if (running.child.exitCode !== null) throw new Error(`the bridge exited with ${running.child.exitCode}`);
    };
    line({ bench: "e2e.config", durationS: DURATION_S, targetRate: RATE, partitions: PARTITIONS, poolRecords: pool.length, loadavg1m: load1() });

    const ledger = new ProducedLedger();
    // The servers' and this process's CPU too: what the whole path costs per record on a shared machine.
    const serverCpu = () => ({ kafka: cpuSeconds(servers!.kafka.pid), opensearch: cpuSeconds(servers!.opensearch.pid) });
    const servers0 = serverCpu();
    const self0 = process.cpuUsage();
    const cpu0 = cpuSeconds(pid);
    const t0 = Date.now();
    const productionEnd = t0 + DURATION_S * 1000;
    let cursor = 0;
    let producerError: unknown = null;

    const produce = async () => {
      while (!interrupted) {
        const now = Date.now();
        if (now >= productionEnd) break;
        const due = Math.min(Math.floor((RATE * (now - t0)) / 1000), Math.floor(RATE * DURATION_S)) - ledger.records;
        // A late flush catches up, but never by more than a second's worth at once.
        const take = Math.min(due, RATE);
        if (take > 0) {
          const byResource = new Map<string, { service: string; pod: string; logs: ScenarioLog[] }[]>();
          for (let k = 0; k < take; k += 1) {
            const log = pool[(cursor + k) % pool.length]!;
            const pod = `${log.service}-${(cursor + k) % PODS}`;
            const groups = byResource.get(pod) ?? [];
            let last = groups[groups.length - 1];
            if (!last || last.logs.length >= MAX_RECORDS_PER_MESSAGE) {
              last = { service: log.service, pod, logs: [] };
              groups.push(last);
            }
            last.logs.push(log);
            byResource.set(pod, groups);
          }
          cursor += take;
          // Sequence numbers follow the order of the messages actually written, partition by partition.
          const perPartition = new Map<number, { messages: Message[]; counts: number[] }>();
          let seq = ledger.records;
          for (const [pod, groups] of byResource) {
            const partition = partitionOf(pod);
            const entry = perPartition.get(partition) ?? { messages: [], counts: [] };
            for (const g of groups) {
              entry.messages.push({ key: pod, partition, value: otlpJson(g.service, pod, g.logs, seq, now) });
              entry.counts.push(g.logs.length);
              seq += g.logs.length;
            }
            perPartition.set(partition, entry);
          }
          const results = await producer.sendBatch({
            acks: -1,
            compression: CompressionTypes.LZ4,
            topicMessages: [{ topic: scope.topics.rawLogs, messages: [...perPartition.values()].flatMap((e) => e.messages) }],
          });
          for (const r of results) {
            const entry = perPartition.get(r.partition);
            if (entry) ledger.add(r.partition, Number(r.baseOffset), entry.counts);
          }
        }
        await delay(Math.max(0, FLUSH_MS - (Date.now() - now)));
      }
    };
    const producing = produce().catch((err: unknown) => {
      producerError = err;
    });

    const lagSeries: { x: number; y: number }[] = [];
    let peakRss = 0;
    const sample = async (): Promise<{ records: number; messages: number }> => {
      assertAlive();
      const elapsed = (Date.now() - t0) / 1000;
      const [committed, metrics] = await Promise.all([committedOffsets(admin, scope.groupId, scope.topics.rawLogs), running.metrics()]);
      const lag = ledger.lagRecords(committed);
      const cpu = cpuSeconds(pid) - cpu0;
      const mem = memoryMib(pid);
      peakRss = Math.max(peakRss, mem.peak);
      const indexed = metricValue(metrics, "logclaw_bridge_documents_indexed_total");
      line({
        bench: "e2e.sample",
        t: round(elapsed),
        produced: ledger.records,
        indexed,
        lagRecords: lag.records,
        lagMessages: lag.messages,
        bridgeCpuPct: round((cpu / elapsed) * 100),
        bridgeCpuUsPerRecord: indexed > 0 ? round((cpu * 1e6) / indexed) : null,
        rssMiB: mem.rss,
        loadavg1m: load1(),
      });
      if (Date.now() <= productionEnd) lagSeries.push({ x: elapsed, y: lag.records });
      return lag;
    };

    while (Date.now() < productionEnd && !producerError) {
      await delay(Math.min(SAMPLE_MS, Math.max(0, productionEnd - Date.now())));
      await sample();
    }
    await producing;
    if (producerError) throw producerError;
    const produced = ledger.records;
    const producedSeconds = (Date.now() - t0) / 1000;
    const lagAtEnd = (await sample()).records;

    // Drain: the bridge commits everything produced. Bounded: a bridge too slow to catch up by then
    // still gets its figures printed (per record it processed), then fails the run.
    const drainDeadline = Date.now() + Math.max(120_000, DURATION_S * 1000);
    let uncommitted = 0;
    for (;;) {
      await delay(1000);
      assertAlive();
      const lag = ledger.lagRecords(await committedOffsets(admin, scope.groupId, scope.topics.rawLogs));
      uncommitted = lag.records;
      if (lag.messages === 0 || Date.now() > drainDeadline) break;
      if ((Date.now() - t0) % SAMPLE_MS < 1000) await sample();
    }
    const caughtUp = uncommitted === 0;
    const caughtUpSeconds = (Date.now() - t0) / 1000;
    const cpu = cpuSeconds(pid) - cpu0;
    const servers1 = serverCpu();
    const self = process.cpuUsage(self0);
    peakRss = Math.max(peakRss, memoryMib(pid).peak);
    const metrics = await running.metrics();
    const processed = caughtUp ? produced : produced - uncommitted;
    const perRecordUs = (seconds: number) => round((seconds * 1e6) / processed);
    const check = caughtUp ? await verify(opensearch, scope.tenantId, produced) : null;
    const stateBytes = await checkpointBytes(opensearch, scope.groupId);

    // Bounded lag: over the second half of the run the lag grows by less than 1 % of the production rate.
    const secondHalf = lagSeries.filter((p) => p.x >= DURATION_S / 2);
    const lagSlope = slope(secondHalf);
    const bounded = lagSlope < 0.01 * (produced / producedSeconds);
    line({
      bench: "e2e.summary",
      targetRate: RATE,
      durationS: round(producedSeconds),
      produced,
      producedRate: round(produced / producedSeconds),
      sustainedRate: round(processed / caughtUpSeconds),
      caughtUp,
      uncommittedRecords: uncommitted,
      caughtUpAfterS: caughtUp ? round(caughtUpSeconds) : null,
      drainS: caughtUp ? round(caughtUpSeconds - producedSeconds) : null,
      lagAtEndRecords: lagAtEnd,
      lagMaxRecords: Math.max(0, ...lagSeries.map((p) => p.y)),
      lagSlopeSecondHalfPerS: round(lagSlope),
      lagBounded: bounded,
      bridgeCpuUsPerRecord: perRecordUs(cpu),
      kafkaCpuUsPerRecord: perRecordUs(servers1.kafka - servers0.kafka),
      opensearchCpuUsPerRecord: perRecordUs(servers1.opensearch - servers0.opensearch),
      producerCpuUsPerRecord: perRecordUs((self.user + self.system) / 1e6),
      bridgeCpuPctOfOneCore: round((cpu / caughtUpSeconds) * 100),
      bridgePeakRssMiB: peakRss,
      // Counted only once everything is committed: before that, missing documents may just be late.
      indexedDocuments: check?.documents ?? null,
      lost: check?.lost ?? null,
      duplicated: check?.duplicated ?? null,
      foreign: check?.foreign ?? null,
      checkpointStateKiB: round(stateBytes / 1024),
      deadLetters: metricValue(metrics, "logclaw_bridge_dead_letters_total"),
      bulkRetries: metricValue(metrics, "logclaw_bridge_retries_total"),
      incidentEvents: metricValue(metrics, "logclaw_bridge_incident_events_total"),
      loadavg1m: load1(),
      targets: { sustainedRate: ">=10000 for 300 s", lag: "bounded", cpuUsPerRecord: "<=50", lost: 0, duplicated: 0 },
    });
    if (!check) throw new Error(`the bridge did not catch up: ${uncommitted} records still uncommitted ${round(caughtUpSeconds - producedSeconds)} s after the production ended`);
    if (check.lost > 0 || check.duplicated > 0 || check.foreign > 0) throw new Error(`lost ${check.lost}, duplicated ${check.duplicated}, foreign ${check.foreign} documents`);
  } catch (err) {
    // The bridge's own log says why it stopped or stalled.
    process.stderr.write(bridge?.output.join("") ?? "");
    throw err;
  } finally {
    await cleanup();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`e2e bench: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
