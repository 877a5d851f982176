import { hostname } from "node:os";
import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import type { TenantConfig } from "../../../contracts/tenant/schema";
import type { LogStore } from "../../ports/stores";
import type { SqliteDatabase } from "../../store/sqlite/database";
import { SqliteTicketStore } from "../../store/sqlite/tickets";
import { outgoingRedactor } from "../../bridge/redact";
import {
  buildPlatformClients,
  createTicketingMetrics,
  FolderTicketClient,
  hasConfiguredPlatform,
  LOCAL_FOLDER_TARGET,
  OutboxDispatcher,
  RcaEngine,
  TicketingAgent,
  type LlmSettings,
  type PlatformClient,
  type PlatformCredentials,
  type TicketTarget,
} from "../../ticketing";
import type { IncidentConsumer } from "./local-mode";

export interface LocalTicketingOptions {
  tenant: TenantConfig;
  /** Where tickets go when the tenant configures no platform. */
  ticketsDir: string;
  db: SqliteDatabase;
  logs: LogStore;
  credentials: PlatformCredentials;
  /** Null: rule-based RCA. */
  llm: LlmSettings | null;
  dashboardUrl: string;
  registry: Registry;
  logger: Logger;
  now: () => Date;
}

/** The ticketing agent in-process: same dedup store (SQLite), RCA and outbox as in a cluster. */
export function createLocalTicketing(options: LocalTicketingOptions): { consumer: IncidentConsumer; store: SqliteTicketStore } {
  const { tenant, logger, now } = options;
  const store = new SqliteTicketStore(options.db);
  const metrics = createTicketingMetrics(options.registry);
  const redact = outgoingRedactor(tenant.redaction);
  const rca = new RcaEngine({ llm: options.llm, redact, metrics, logger, now });
  const clients = new Map<TicketTarget, PlatformClient>(buildPlatformClients(tenant.integrations, options.credentials, {}, 15_000));
  // The agent's fallback: it routes to the folder exactly when the tenant configures no platform.
  const folder = !hasConfiguredPlatform(tenant.integrations);
  if (folder) clients.set(LOCAL_FOLDER_TARGET, new FolderTicketClient(options.ticketsDir, options.dashboardUrl, now));
  const dispatcher = new OutboxDispatcher({
    tenant: tenant.id,
    store,
    clients,
    redact,
    dashboardUrl: options.dashboardUrl,
    metrics,
    logger,
    now,
    owner: `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`,
  });
  dispatcher.start();
  const agent = new TicketingAgent({
    tenant,
    store,
    logs: options.logs,
    rca,
    dispatcher,
    redact,
    metrics,
    logger,
    now,
    fallbackTarget: LOCAL_FOLDER_TARGET,
  });
  const platforms = [...clients.keys()];
  return {
    store,
    consumer: {
      handle: (event) => agent.handle(event),
      ticketCount: async () => (await store.listTickets(tenant.id, { limit: 1000 })).length,
      close: async () => {
        await dispatcher.drain();
        await dispatcher.stop();
      },
      describe: folder ? `written to ${options.ticketsDir} (no platform configured)` : platforms.join(", "),
      rca: options.llm ? `${options.llm.provider} ${options.llm.model} (rules as fallback)` : "rule-based",
    },
  };
}
