/**
 * A second ticketing agent process for the multi-process tests: opens the shared SQLite data
 * directory, handles the given incident events, drains the outbox and prints what it decided.
 * Usage: tsx agent-process.ts '<json config>'
 */
import { Agent } from "node:https";
import pino from "pino";
import { Registry } from "prom-client";
import type { TenantConfig } from "../../../contracts/tenant/schema";
import type { IncidentEvent } from "../../../contracts/records";
import { openSqliteTicketStore } from "../../../runtime/store/sqlite/tickets";
import {
  buildPlatformClients,
  createTicketingMetrics,
  OutboxDispatcher,
  RcaEngine,
  TicketingAgent,
  type PlatformCredentials,
} from "../../../runtime/ticketing";
import { MemoryLogStore } from "./fixtures";
import { outgoingRedactor } from "../../../runtime/bridge/redact";

export interface AgentProcessConfig {
  dataDir: string;
  owner: string;
  tenant: TenantConfig;
  credentials: PlatformCredentials;
  opsgenieBaseUrl: string;
  pagerdutyServer: string;
  cert: string;
  events: IncidentEvent[];
}

async function run(config: AgentProcessConfig): Promise<void> {
  const store = openSqliteTicketStore(config.dataDir);
  const registry = new Registry();
  const metrics = createTicketingMetrics(registry);
  const logger = pino({ level: "silent" });
  const redact = outgoingRedactor(config.tenant.redaction);
  const now = () => new Date();
  const clients = buildPlatformClients(
    config.tenant.integrations,
    config.credentials,
    { opsgenieBaseUrl: config.opsgenieBaseUrl, pagerdutyServer: config.pagerdutyServer, pagerdutyAgent: new Agent({ ca: config.cert }) },
    5000,
  );
  const dispatcher = new OutboxDispatcher({
    tenant: config.tenant.id, store, clients, redact, dashboardUrl: null, metrics, logger, now, owner: config.owner,
  });
  const rca = new RcaEngine({ llm: null, redact, metrics, logger, now });
  const agent = new TicketingAgent({ tenant: config.tenant, store, logs: new MemoryLogStore(), rca, dispatcher, redact, metrics, logger, now });
  for (const event of config.events) await agent.handle(event);
  await dispatcher.drain();
  await store.close();
  process.stdout.write(`${await registry.getSingleMetricAsString("logclaw_ticketing_dedup_total")}\n`);
}

run(JSON.parse(process.argv[2]!) as AgentProcessConfig).catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(1);
});
