import express, { type Router } from "express";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import type { Logger } from "pino";
import { collectDefaultMetrics, Registry } from "prom-client";
import { createAccessGate, createLoginRouter } from "../../api";
import { createDashboardRouter, LiveFeed, type LiveStats } from "../../dashboard";
import { ReceiverMetrics, startOtlpGrpcReceiver, startOtlpHttpReceiver, type RunningReceiver } from "../../receivers/otlp";
import type { Incident, IncidentEvent } from "../../../contracts/records";
import type { TicketComment } from "../../../contracts/tickets";
import { databaseBytes, openDatabase, type Migration, type SqliteDatabase } from "../../store/sqlite/database";
import { INCIDENT_MIGRATIONS, SqliteIncidentStore } from "../../store/sqlite/incidents";
import { inlineLogWriter, type LogWriterOpener } from "../../store/sqlite/log-writer";
import { LOG_MIGRATIONS, SqliteLogStore } from "../../store/sqlite/logs";
import { SPAN_MIGRATIONS, SqliteSpanStore } from "../../store/sqlite/spans";
import type { LocalConfig } from "./config";
import type { DetectionCore } from "../../runner";
import { every } from "../periodic";
import { LocalIngest } from "./ingest";
import { LogFeed } from "./log-feed";
import type { LogTail } from "../../ports/stores";
import { lockDataDir } from "./lock";
import { RateMeter } from "./rate-meter";
import { startRetentionSweep } from "./retention";

/** In-process incident consumer (the ticketing agent in local mode). */
export interface IncidentConsumer {
  /** Resolves once the event's ticket work is persisted. */
  handle(event: IncidentEvent): Promise<void>;
  /** A workflow action as a comment on the incident's live tickets; resolves once it is enqueued. */
  comment?(incident: Incident, comment: TicketComment): Promise<void>;
  /** How many tickets exist (for the counters). */
  ticketCount(): Promise<number>;
  close(): Promise<void>;
  /** One line for the banner: where tickets go. */
  describe: string;
  rca: string;
}

/** What local mode plugs around the stores: built from the bridge, ticketing and API modules. */
export interface LocalModeParts {
  pipeline: DetectionCore;
  /** Persists the pipeline's learned state (templates, baselines) so a restart resumes it. */
  saveState(): void;
  ticketing: IncidentConsumer;
  /** The contract HTTP API (`/api/incidents`, `/api/logs`, `/api/traces`, `/healthz`, `/readyz`, `/metrics`). */
  api: Router;
}

export interface PartsContext {
  config: LocalConfig;
  db: SqliteDatabase;
  logs: SqliteLogStore;
  spans: SqliteSpanStore;
  incidents: SqliteIncidentStore;
  /** Stored documents as they arrive, for the API's live tail. */
  logTail: LogTail;
  registry: Registry;
  logger: Logger;
  now: () => Date;
}

/** Builds the parts once the store is open; `migrations` are the parts' own tables. */
export interface LocalModeFactory {
  migrations: readonly Migration[];
  build(context: PartsContext): Promise<LocalModeParts>;
}

export interface LocalModeHandle {
  urls: { dashboard: string; otlpHttp: string; otlpGrpc: string };
  ports: { dashboard: number; otlpHttp: number; otlpGrpc: number };
  stats(): LiveStats;
  ticketing: IncidentConsumer;
  /** Stops intake, flushes the pipeline and ticket work, closes the store and releases the lock. */
  close(): Promise<void>;
}

const STATE_SAVE_MS = 60 * 1000;
/** How often the wall clock moves detection on while no traffic arrives. */
const TICK_MS = 1000;

/**
 * Composes local mode: lock the data folder, open the store, build the pipeline and ticketing parts,
 * then serve the dashboard + API and the OTLP receivers. Everything accepted is on disk before a
 * receiver answers. Log rows are committed by `openLogWriter` (the CLI passes the writer thread);
 * without it, on the event loop's own connection.
 */
export async function startLocalMode(
  config: LocalConfig,
  factory: LocalModeFactory,
  logger: Logger,
  now: () => Date = () => new Date(),
  openLogWriter: LogWriterOpener = async (_dataDir, store) => inlineLogWriter(store),
): Promise<LocalModeHandle> {
  const lock = lockDataDir(config.dataDir);
  const closers: (() => Promise<void> | void)[] = [() => lock.release()];
  const closeAll = async (): Promise<void> => {
    for (const close of closers.reverse()) {
      try {
        await close();
      } catch (err) {
        logger.error({ err }, "error while shutting down");
      }
    }
    closers.length = 0;
  };
  try {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry, prefix: "logclaw_" });
    const receiverMetrics = new ReceiverMetrics(registry);
    const meter = new RateMeter(now);

    // Running totals: a count(*) over millions of rows on every tick would cost more than the ingest.
    const counts = { logs: 0, tickets: 0, incidents: 0, openIncidents: 0 };
    const feed = new LiveFeed(() => ({
      tenant: config.tenant,
      logs: counts.logs,
      logsPerSecond: meter.rate(receiverMetrics.totals.accepted),
      incidents: counts.incidents,
      openIncidents: counts.openIncidents,
      tickets: counts.tickets,
      rejected: receiverMetrics.totals.rejected,
      refused: receiverMetrics.totals.refused,
    }));

    const db = openDatabase(config.dataDir, [...LOG_MIGRATIONS, ...SPAN_MIGRATIONS, ...INCIDENT_MIGRATIONS, ...factory.migrations]);
    closers.push(() => {
      db.close();
    });
    const logsStore = new SqliteLogStore(db);
    counts.logs = logsStore.count();
    const logWriter = await openLogWriter(config.dataDir, logsStore);
    closers.push(() => logWriter.close());
    const spanStore = new SqliteSpanStore(db);
    const incidentStore = new SqliteIncidentStore(db);
    const logFeed = new LogFeed();
    const parts = await factory.build({ config, db, logs: logsStore, spans: spanStore, incidents: incidentStore, logTail: logFeed, registry, logger, now });

    const refreshIncidentCounts = async (): Promise<void> => {
      counts.incidents = incidentStore.count();
      counts.openIncidents = (await incidentStore.list({ limit: 1000 })).filter((i) => i.status === "open").length;
      counts.tickets = await parts.ticketing.ticketCount();
    };
    await refreshIncidentCounts();

    const pendingTicketWork = new Set<Promise<void>>();
    const retryAfterSeconds = 1;
    const ingest = new LocalIngest({
      pipeline: parts.pipeline,
      logWriter,
      spans: spanStore,
      incidents: incidentStore,
      deadLetterFile: join(config.dataDir, "dead-letter.jsonl"),
      registry,
      logger,
      now,
      storeSize: () => ({ records: counts.logs, bytes: databaseBytes(db) }),
      maxQueuedRecords: config.maxQueuedRecords,
      retryAfterSeconds,
      onDocuments: (documents) => {
        counts.logs += documents.length;
        logFeed.publish(documents);
      },
      onIncidentEvent: (event) => {
        feed.publish({ type: "incident", id: event.incident.id });
        const work = parts.ticketing
          .handle(event)
          .then(refreshIncidentCounts)
          .then(() => feed.publish({ type: "ticket", id: event.incident.id }))
          .catch((err: unknown) => logger.error({ err, incident: event.incident.id }, "ticketing failed for an incident event"))
          .finally(() => pendingTicketWork.delete(work));
        pendingTicketWork.add(work);
      },
    });
    closers.push(async () => {
      await ingest.flush();
      parts.saveState();
      await Promise.all([...pendingTicketWork]);
      await parts.ticketing.close();
    });

    closers.push(every(TICK_MS, logger, "could not advance detection on the wall clock", () => ingest.tick()));
    // A crash loses at most this much learned detection state; stored data is never at stake.
    closers.push(every(STATE_SAVE_MS, logger, "could not save the detection state", () => parts.saveState()));

    closers.push(
      startRetentionSweep({
        logs: logsStore,
        spans: spanStore,
        incidents: incidentStore,
        retentionDays: config.retentionDays,
        now,
        logger,
        onLogsRemoved: (removed) => (counts.logs -= removed),
      }),
    );

    const app = express();
    app.disable("x-powered-by");
    if (config.apiKey) {
      // With a key, the dashboard and every /api route need it; probes and metrics stay open for monitors.
      app.use(createLoginRouter(config.apiKey));
      app.use(createAccessGate(config.apiKey, ["/healthz", "/readyz", "/metrics", "/assets/styles.css"]));
    }
    app.use(createDashboardRouter({ stats: logsStore, feed, statsIntervalMs: 2000, ticketsDir: config.ticketsDir, now }));
    app.use(parts.api);
    const server: Server = createServer(app);
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(config.port, config.host, () => resolve());
    });
    closers.push(
      () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          // Event streams never end on their own.
          server.closeAllConnections();
        }),
    );

    const limits = {
      maxRequestBytes: config.maxRequestBytes,
      maxDecompressedBytes: config.maxDecompressedBytes,
      maxInFlight: config.maxInFlight,
      retryAfterSeconds,
    };
    const receiverOptions = { host: config.host, apiKey: config.apiKey, limits };
    const http: RunningReceiver = await startOtlpHttpReceiver({ ...receiverOptions, port: config.otlpHttpPort }, ingest, receiverMetrics, logger);
    closers.push(() => http.close());
    const grpc: RunningReceiver = await startOtlpGrpcReceiver({ ...receiverOptions, port: config.otlpGrpcPort }, ingest, receiverMetrics, logger);
    closers.push(() => grpc.close());

    const host = config.host === "0.0.0.0" || config.host === "::" ? "localhost" : config.host;
    const dashboardPort = (server.address() as AddressInfo).port;
    return {
      urls: { dashboard: `http://${host}:${dashboardPort}`, otlpHttp: `http://${host}:${http.port}`, otlpGrpc: `http://${host}:${grpc.port}` },
      ports: { dashboard: dashboardPort, otlpHttp: http.port, otlpGrpc: grpc.port },
      stats: () => feed.stats(),
      ticketing: parts.ticketing,
      close: closeAll,
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
