import express from "express";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import { createApiRouter } from "../../api";
import { createKafka } from "../../receivers/kafka/client";
import { createOpenSearchClient, ensureWorkflowIndex, OpenSearchIncidentStore, OpenSearchLogStore, OpenSearchSpanStore, OpenSearchWorkflowStore } from "../../store/opensearch";
import { ensureTicketIndices, OpenSearchTicketStore } from "../../store/opensearch/tickets";
import type { PlatformEndpoints } from "../../ticketing/platforms";
import { KafkaIncidentSource } from "../../ticketing/source";
import { assembleTicketing } from "./assembly";
import type { TicketingConfig } from "./config";

export interface RunningTicketing {
  /** The bound HTTP port (the configured one, or the ephemeral one when 0 was asked). */
  port: number;
  /** Stops intake, flushes due outbox work, closes the HTTP server and the clients. */
  stop(): Promise<void>;
}

/**
 * The production ticketing agent: `incidents` topic -> RCA -> deduplicated tickets, with the
 * OpenSearch stores and the contract API. `endpoints` only reaches proxies and test servers.
 */
export async function startTicketing(
  config: TicketingConfig,
  logger: Logger,
  registry: Registry,
  endpoints: PlatformEndpoints = {},
): Promise<RunningTicketing> {
  const { tenant } = config;
  const now = () => new Date();
  const openSearch = createOpenSearchClient(config.opensearch);
  await ensureTicketIndices(openSearch);
  await ensureWorkflowIndex(openSearch);
  const store = new OpenSearchTicketStore(openSearch);
  const incidents = new OpenSearchIncidentStore(openSearch);
  const logs = new OpenSearchLogStore(openSearch);

  const { agent, dispatcher, clients, metrics } = assembleTicketing({
    tenant,
    store,
    logs,
    credentials: config.credentials,
    llm: config.llm,
    endpoints,
    platformTimeoutMs: config.platformTimeoutMs,
    dashboardUrl: config.dashboardUrl,
    owner: config.instanceId,
    registry,
    logger,
    now,
  });
  if (config.llmDisabledReason) logger.warn({ reason: config.llmDisabledReason }, "LLM configured but not usable: rule-based RCA");

  const kafka = createKafka({ ...config.kafka, clientId: `logclaw-ticketing-${tenant.id}` }, logger);
  const source = new KafkaIncidentSource({
    kafka,
    topic: config.kafka.topic,
    deadLetterTopic: config.kafka.deadLetterTopic,
    groupId: config.kafka.groupId,
    metrics,
    logger,
    now,
  });
  let consuming = false;

  const app = express();
  app.disable("x-powered-by");
  app.use(
    createApiRouter({
      tenant: tenant.id,
      incidents,
      logs,
      spans: new OpenSearchSpanStore(openSearch),
      tickets: store,
      workflow: new OpenSearchWorkflowStore(openSearch),
      authToken: config.apiToken,
      registry,
      logger,
      onResolve: (incident) => agent.handle({ type: "resolved", incident }),
      onComment: (incident, comment) => agent.comment(incident, comment),
      readiness: async () => {
        const checks: Record<string, string> = { kafka: consuming ? "ok" : "not consuming" };
        try {
          await openSearch.ping();
          checks.opensearch = "ok";
        } catch (err) {
          checks.opensearch = (err as Error).message;
        }
        return { ready: Object.values(checks).every((c) => c === "ok"), checks };
      },
    }),
  );
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(config.httpPort, () => resolve(s));
    s.once("error", reject);
  });

  dispatcher.start();
  await source.start((event) => agent.handle(event));
  consuming = true;
  const port = (server.address() as AddressInfo).port;
  logger.info({ port, platforms: [...clients.keys()], llm: config.llm?.provider ?? "rules" }, "ticketing agent started");

  return {
    port,
    stop: async () => {
      consuming = false;
      await source.stop();
      await dispatcher.drain();
      await dispatcher.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await openSearch.close();
    },
  };
}
