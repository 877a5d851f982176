import type { Logger } from "pino";
import type { Registry } from "prom-client";
import type { TenantConfig } from "../../../contracts/tenant/schema";
import { LOCAL_FOLDER_TARGET, type TicketTarget } from "../../../contracts/tickets";
import { outgoingRedactor } from "../../bridge/redact";
import type { LogStore } from "../../ports/stores";
import type { TicketStore } from "../../ports/ticket-store";
import { TicketingAgent } from "../../ticketing/agent";
import { createTicketingMetrics, type TicketingMetrics } from "../../ticketing/metrics";
import { OutboxDispatcher } from "../../ticketing/outbox";
import { buildPlatformClients, FolderTicketClient, type DashboardKind, type PlatformClient, type PlatformCredentials, type PlatformEndpoints } from "../../ticketing/platforms";
import { RcaEngine } from "../../ticketing/rca/analyzer";
import type { LlmSettings } from "../../ticketing/rca/llm";
import { hasConfiguredPlatform } from "../../ticketing/routing";

export interface TicketingAssemblyOptions {
  tenant: TenantConfig;
  store: TicketStore;
  logs: LogStore;
  credentials: PlatformCredentials;
  /** Null: rule-based RCA. */
  llm: LlmSettings | null;
  /** Proxies and test servers only. */
  endpoints?: PlatformEndpoints;
  platformTimeoutMs: number;
  /** Linked from tickets; null when the tenant has no dashboard URL. */
  dashboardUrl: string | null;
  /** What `dashboardUrl` is: the tenant's Grafana dashboard (default) or local mode's own. */
  dashboardKind?: DashboardKind;
  /** Local mode: tickets go to this folder (linking the local dashboard) when the tenant configures no platform. */
  folder?: { ticketsDir: string; dashboardUrl: string };
  /** Outbox owner id of this process (claims of items). */
  owner: string;
  registry: Registry;
  logger: Logger;
  now: () => Date;
}

export interface TicketingAssembly {
  agent: TicketingAgent;
  dispatcher: OutboxDispatcher;
  clients: Map<TicketTarget, PlatformClient>;
  metrics: TicketingMetrics;
  /** True when tickets go to the local folder (no platform configured). */
  folder: boolean;
}

/**
 * The ticketing agent, assembled once for both hosts (the `logclaw ticketing` container and local
 * mode): redaction, RCA, platform clients, the outbox dispatcher and the agent over the given stores.
 */
export function assembleTicketing(options: TicketingAssemblyOptions): TicketingAssembly {
  const { tenant, logger, now } = options;
  const metrics = createTicketingMetrics(options.registry);
  const redact = outgoingRedactor(tenant.redaction);
  const rca = new RcaEngine({ llm: options.llm, redact, metrics, logger: logger.child({ component: "rca" }), now });
  const clients = new Map<TicketTarget, PlatformClient>(buildPlatformClients(tenant.integrations, options.credentials, options.endpoints ?? {}, options.platformTimeoutMs));
  // The agent's fallback: it routes to the folder exactly when the tenant configures no platform.
  const folder = options.folder !== undefined && !hasConfiguredPlatform(tenant.integrations);
  if (folder && options.folder) clients.set(LOCAL_FOLDER_TARGET, new FolderTicketClient(options.folder.ticketsDir, options.folder.dashboardUrl, now));
  const dispatcher = new OutboxDispatcher({
    tenant: tenant.id,
    store: options.store,
    clients,
    redact,
    dashboardUrl: options.dashboardUrl,
    dashboardKind: options.dashboardKind,
    metrics,
    logger: logger.child({ component: "outbox" }),
    now,
    owner: options.owner,
  });
  const agent = new TicketingAgent({
    tenant,
    store: options.store,
    logs: options.logs,
    rca,
    dispatcher,
    redact,
    metrics,
    logger,
    now,
    fallbackTarget: folder ? LOCAL_FOLDER_TARGET : null,
  });
  return { agent, dispatcher, clients, metrics, folder };
}
