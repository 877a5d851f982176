import { createApiRouter } from "../../api";
import { TICKET_MIGRATIONS } from "../../store/sqlite/tickets";
import type { LocalModeFactory } from "./local-mode";
import { loadPipeline } from "./pipeline-state";
import { resolveLocalTenant } from "./tenant";
import { createLocalTicketing } from "./ticketing";

/** The real parts: the bridge core, the ticketing agent and the contract API, all in-process. */
export function createLocalModeFactory(env: NodeJS.ProcessEnv): LocalModeFactory {
  return {
    migrations: TICKET_MIGRATIONS,
    build: async ({ config, db, logs, incidents, logTail, registry, logger, now }) => {
      const { tenant, credentials, llm } = resolveLocalTenant(config, env);
      const { pipeline, save } = loadPipeline(config.dataDir, tenant.id, logger, now().getTime());
      const host = config.host === "0.0.0.0" || config.host === "::" ? "localhost" : config.host;
      const ticketing = createLocalTicketing({
        tenant,
        ticketsDir: config.ticketsDir,
        db,
        logs,
        credentials,
        llm,
        dashboardUrl: `http://${host}:${config.port}`,
        registry,
        logger,
        now,
      });
      const api = createApiRouter({ tenant: tenant.id, incidents, logs, logTail, tickets: ticketing.store, authToken: config.apiKey ?? null, registry, now });
      return { pipeline, saveState: save, ticketing: ticketing.consumer, api };
    },
  };
}
