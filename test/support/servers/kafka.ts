import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { Kafka, logLevel } from "kafkajs";
import { resolveClasspath } from "./maven";
import { freePort, isAlive, spawnDetached, stopProcess, waitUntil } from "./processes";

const run = promisify(execFile);

/**
 * Kafka 3.9: the last line whose brokers still accept the older request versions kafkajs 2.x
 * sends (Kafka 4.0 removed them, KIP-896), and it runs on JDK 17.
 */
export const KAFKA_VERSION = "3.9.1";

export interface KafkaServerInfo {
  /** `host:port` of the PLAINTEXT listener. */
  brokers: string[];
  port: number;
  controllerPort: number;
  dir: string;
  classpath: string;
  pid: number;
  logFile: string;
}

const HEAP = ["-Xms256m", "-Xmx512m"];

function serverProperties(dir: string, port: number, controllerPort: number): string {
  return [
    "process.roles=broker,controller",
    "node.id=1",
    `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
    "controller.listener.names=CONTROLLER",
    "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
    "inter.broker.listener.name=PLAINTEXT",
    `log.dirs=${join(dir, "data")}`,
    "num.partitions=1",
    // One node: internal topics cannot replicate, and a few partitions start faster than 50.
    "offsets.topic.replication.factor=1",
    "offsets.topic.num.partitions=4",
    "transaction.state.log.replication.factor=1",
    "transaction.state.log.min.isr=1",
    "transaction.state.log.num.partitions=4",
    "group.initial.rebalance.delay.ms=0",
    "auto.create.topics.enable=true",
    "",
  ].join("\n");
}

const LOG4J = [
  "log4j.rootLogger=INFO, stdout",
  "log4j.appender.stdout=org.apache.log4j.ConsoleAppender",
  "log4j.appender.stdout.layout=org.apache.log4j.PatternLayout",
  "log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n",
  "log4j.logger.kafka.request.logger=WARN",
  "log4j.logger.state.change.logger=WARN",
  "",
].join("\n");

/** Kafka's cluster ids are 16 random bytes in URL-safe base64 without padding; they may not start with '-'. */
function clusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString("base64url");
    if (!id.startsWith("-")) return id;
  }
}

/** Fetches the broker (cached) and formats a fresh KRaft storage directory on free loopback ports. */
export async function prepareKafka(cacheDir: string, dir: string): Promise<Omit<KafkaServerInfo, "pid">> {
  const classpath = await resolveClasspath(join(cacheDir, "maven"), "kafka", [
    { groupId: "org.apache.kafka", artifactId: "kafka_2.13", version: KAFKA_VERSION },
    { groupId: "org.slf4j", artifactId: "slf4j-reload4j", version: "1.7.36" },
  ]);
  const port = await freePort();
  const controllerPort = await freePort();
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "server.properties"), serverProperties(dir, port, controllerPort));
  writeFileSync(join(dir, "log4j.properties"), LOG4J);
  await run("java", [
    "-Xmx256m",
    `-Dlog4j.configuration=file:${join(dir, "log4j.properties")}`,
    "-cp",
    classpath,
    "kafka.tools.StorageTool",
    "format",
    "-t",
    clusterId(),
    "-c",
    join(dir, "server.properties"),
  ]);
  return { brokers: [`127.0.0.1:${port}`], port, controllerPort, dir, classpath, logFile: join(dir, "kafka.log") };
}

async function brokerAnswers(brokers: string[]): Promise<boolean> {
  const admin = new Kafka({
    clientId: "logclaw-test-servers",
    brokers,
    logLevel: logLevel.NOTHING,
    retry: { retries: 0 },
    connectionTimeout: 1000,
  }).admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.length > 0 && cluster.controller !== null;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** Starts (or restarts, on the same ports and data) the prepared broker and waits until it answers metadata requests. */
export async function startKafka(prepared: Omit<KafkaServerInfo, "pid">, timeoutMs = 120_000): Promise<KafkaServerInfo> {
  if (!existsSync(join(prepared.dir, "server.properties"))) throw new Error(`no prepared Kafka in ${prepared.dir}`);
  const pid = spawnDetached(
    "java",
    [
      ...HEAP,
      "-XX:+UseSerialGC",
      `-Dlog4j.configuration=file:${join(prepared.dir, "log4j.properties")}`,
      "-cp",
      prepared.classpath,
      "kafka.Kafka",
      join(prepared.dir, "server.properties"),
    ],
    prepared.logFile,
    prepared.dir,
  );
  await waitUntil(
    async () => {
      if (!isAlive(pid)) throw new Error(`Kafka exited during start-up (log: ${prepared.logFile})`);
      return brokerAnswers(prepared.brokers);
    },
    timeoutMs, `Kafka on ${prepared.brokers[0]} (log: ${prepared.logFile})`);
  return { ...prepared, pid };
}

export async function stopKafka(info: KafkaServerInfo, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
  await stopProcess(info.pid, signal);
}
