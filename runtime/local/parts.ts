import { tenantSchema, type TenantConfig } from "../../infra/tenants/schema";
import { createApiRouter } from "../api";
import { TICKET_MIGRATIONS } from "../store/sqlite/tickets";
import type { LocalConfig } from "./config";
import type { LocalModeFactory } from "./local-mode";
import { loadPipeline } from "./pipeline-state";
import { createLocalTicketing } from "./ticketing";

/** Local mode's tenant: one tenant, no platforms or LLM unless configured. */
export function localTenant(config: LocalConfig): TenantConfig {
  return tenantSchema.parse({
    id: config.tenant,
    tier: "starter",
    environment: "local",
    retentionDays: config.retentionDays,
    ingest: { logsPerSecond: 100_000, burst: 200_000, maxRequestBytes: config.maxRequestBytes },
  });
}

/** The real parts: the bridge core, the ticketing agent and the contract API, all in-process. */
export function createLocalModeFactory(): LocalModeFactory {
  return {
    migrations: TICKET_MIGRATIONS,
    build: async ({ config, db, logs, incidents, registry, logger, now }) => {
      const tenant = localTenant(config);
      const { pipeline, save } = loadPipeline(config.dataDir, tenant.id, logger);
      const host = config.host === "0.0.0.0" || config.host === "::" ? "localhost" : config.host;
      const ticketing = createLocalTicketing({
        tenant,
        ticketsDir: config.ticketsDir,
        db,
        logs,
        credentials: {},
        dashboardUrl: `http://${host}:${config.port}`,
        registry,
        logger,
        now,
      });
      const api = createApiRouter({ tenant: tenant.id, incidents, logs, tickets: ticketing.store, authToken: null, registry, now });
      return { pipeline, saveState: save, ticketing: ticketing.consumer, api };
    },
  };
}
