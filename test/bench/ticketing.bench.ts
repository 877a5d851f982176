/**
 * Ticketing latency: wall time from an incident event arriving at the agent to the first ticket
 * request reaching the platform, with rule-based RCA (LLM latency excluded), the real SQLite
 * dedup store and outbox, evidence from a log store, and a local fake Jira. Two figures: one
 * incident at a time (p50/p99), and a burst of simultaneous incidents (p99 of the burst).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { Registry } from "prom-client";
import { openSqliteTicketStore } from "../../runtime/store/sqlite/tickets";
import {
  buildPlatformClients,
  createTicketingMetrics,
  InProcessIncidentSource,
  OutboxDispatcher,
  RcaEngine,
  TicketingAgent,
} from "../../runtime/ticketing";
import { Fakes, makeIncident, makeLog, MemoryLogStore } from "../runtime/ticketing/fixtures";
import { outgoingRedactor } from "../../runtime/bridge/redact";

const SEQUENTIAL = 300;

/** Nearest-rank quantile. */
function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}
const BURST = 50;

async function main(): Promise<void> {
  const fakes = await new Fakes().start();
  const dir = mkdtempSync(join(tmpdir(), "logclaw-bench-ticketing-"));
  const store = openSqliteTicketStore(dir);
  const tenant = fakes.tenant({ critical: ["jira"], high: ["jira"], medium: ["jira"], low: ["jira"] });
  const logger = pino({ level: "silent" });
  const metrics = createTicketingMetrics(new Registry());
  const redact = outgoingRedactor(tenant.redaction);
  const now = () => new Date();
  const logs = new MemoryLogStore(
    Array.from({ length: 2000 }, (_, i) => makeLog(`log-${i}`, { service: ["payments", "checkout", "cart"][i % 3]!, "@timestamp": new Date(Date.parse("2026-11-22T02:59:00.000Z") + i * 10).toISOString() })),
  );
  const clients = buildPlatformClients(tenant.integrations, fakes.credentials(), fakes.endpoints(), 5000);
  const dispatcher = new OutboxDispatcher({ tenant: tenant.id, store, clients, redact, dashboardUrl: null, metrics, logger, now, owner: "bench" });
  const agent = new TicketingAgent({ tenant, store, logs, rca: new RcaEngine({ llm: null, redact, metrics, logger, now }), dispatcher, redact, metrics, logger, now });
  const source = new InProcessIncidentSource();
  await source.start((event) => agent.handle(event));
  dispatcher.start();

  const incident = (i: number) => makeIncident({ id: `bench-${i}`, fingerprint: `bench-fp-${i}`, sampleLogIds: [`log-${i % 2000}`, `log-${(i + 7) % 2000}`] });
  const requestFor = (i: number) => fakes.jira.requests.find((r) => r.body?.fields?.labels?.includes(`logclaw-bench-fp-${i}`));

  const sequential: number[] = [];
  for (let i = 0; i < SEQUENTIAL; i++) {
    const start = performance.now();
    await source.publish({ type: "opened", incident: incident(i) });
    await fakes.jira.waitForRequests(i + 1);
    sequential.push(requestFor(i)!.receivedAt - start);
  }

  const burstStart = performance.now();
  await Promise.all(Array.from({ length: BURST }, (_, k) => source.publish({ type: "opened", incident: incident(SEQUENTIAL + k) })));
  await fakes.jira.waitForRequests(SEQUENTIAL + BURST);
  const burst = Array.from({ length: BURST }, (_, k) => requestFor(SEQUENTIAL + k)!.receivedAt - burstStart);

  await dispatcher.stop();
  await store.close();
  await fakes.close();
  rmSync(dir, { recursive: true, force: true });

  const ms = (v: number) => Math.round(v * 100) / 100;
  const line = (bench: string, value: number) => process.stdout.write(`${JSON.stringify({ bench, value: ms(value), unit: "ms", target: "<1000" })}\n`);
  line("ticketing.incident_to_first_request.p50", quantile(sequential, 0.5));
  line("ticketing.incident_to_first_request.p99", quantile(sequential, 0.99));
  line(`ticketing.incident_to_first_request.burst${BURST}.p99`, quantile(burst, 0.99));
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(1);
});
