import { createApiRouter } from "../../api";
import { TICKET_MIGRATIONS } from "../../store/sqlite/tickets";
import { SqliteWorkflowStore, WORKFLOW_MIGRATIONS } from "../../store/sqlite/workflow";
import { Dismissals, feedbackOf } from "../../bridge/lifecycle";
import type { DetectionFeedback } from "../../../contracts/records";
import type { LocalModeFactory } from "./local-mode";
import { loadPipeline } from "./pipeline-state";
import { resolveLocalTenant } from "./tenant";
import { createLocalTicketing } from "./ticketing";

/** The real parts: the bridge core, the ticketing agent and the contract API, all in-process. */
export function createLocalModeFactory(env: NodeJS.ProcessEnv): LocalModeFactory {
  return {
    migrations: [...TICKET_MIGRATIONS, ...WORKFLOW_MIGRATIONS],
    build: async ({ config, db, logs, spans, incidents, logTail, registry, logger, now }) => {
      const { tenant, credentials, llm } = resolveLocalTenant(config, env);
      // People's "not an incident" verdicts: the workflow store is their record, re-applied at every start.
      const dismissals = new Dismissals(tenant.id);
      const workflow = new SqliteWorkflowStore(db);
      for (const w of await workflow.withVerdict(tenant.id)) dismissals.apply(feedbackOf(w));
      const { pipeline, save } = loadPipeline(config.dataDir, tenant.id, logger, now().getTime(), dismissals);
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
      const api = createApiRouter({
        tenant: tenant.id,
        incidents,
        logs,
        spans,
        logTail,
        tickets: ticketing.store,
        workflow,
        authToken: config.apiKey ?? null,
        registry,
        now,
        onResolve: (incident) => ticketing.consumer.handle({ type: "resolved", incident }),
        onComment: (incident, comment) => ticketing.consumer.comment?.(incident, comment) ?? Promise.resolve(),
        onFeedback: (feedback: DetectionFeedback) => {
          dismissals.apply(feedback);
        },
      });
      return { pipeline, saveState: save, ticketing: ticketing.consumer, api };
    },
  };
}
