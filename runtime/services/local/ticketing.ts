import { hostname } from "node:os";
import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import type { TenantConfig } from "../../../contracts/tenant/schema";
import type { LogStore } from "../../ports/stores";
import type { SqliteDatabase } from "../../store/sqlite/database";
import { SqliteTicketStore } from "../../store/sqlite/tickets";
import { InProcessIncidentSource, type LlmSettings, type PlatformCredentials } from "../../ticketing";
import { assembleTicketing } from "../ticketing/assembly";
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

/**
 * The ticketing agent in-process: the same assembly as in a cluster (dedup store, RCA, outbox) on
 * SQLite, fed by the in-process incident source instead of the `incidents` topic.
 */
export function createLocalTicketing(options: LocalTicketingOptions): { consumer: IncidentConsumer; store: SqliteTicketStore } {
  const { tenant } = options;
  const store = new SqliteTicketStore(options.db);
  const { agent, dispatcher, clients, folder } = assembleTicketing({
    tenant,
    store,
    logs: options.logs,
    credentials: options.credentials,
    llm: options.llm,
    platformTimeoutMs: 15_000,
    dashboardUrl: options.dashboardUrl,
    dashboardKind: "logclaw",
    folder: { ticketsDir: options.ticketsDir, dashboardUrl: options.dashboardUrl },
    owner: `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`,
    registry: options.registry,
    logger: options.logger,
    now: options.now,
  });
  dispatcher.start();
  const source = new InProcessIncidentSource();
  // Starting only stores the handler: the source is ready before the first event is published.
  void source.start((event) => agent.handle(event));
  const platforms = [...clients.keys()];
  return {
    store,
    consumer: {
      handle: (event) => source.publish(event),
      comment: (incident, comment) => agent.comment(incident, comment),
      ticketCount: async () => (await store.listTickets(tenant.id, { limit: 1000 })).length,
      close: async () => {
        await source.stop();
        await dispatcher.drain();
        await dispatcher.stop();
      },
      describe: folder ? `written to ${options.ticketsDir} (no platform configured)` : platforms.join(", "),
      rca: options.llm ? `${options.llm.provider} ${options.llm.model} (rules as fallback)` : "rule-based",
    },
  };
}
