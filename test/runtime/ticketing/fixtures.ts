import { mkdtempSync, rmSync } from "node:fs";
import { Agent } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { Registry } from "prom-client";
import type { PlatformName, TenantConfig } from "../../../contracts/tenant/schema";
import { tenantSchema } from "../../../contracts/tenant/schema";
import type { LogQuery, LogStore } from "../../../runtime/ports/stores";
import type { Incident, LogDocument } from "../../../contracts/records";
import { openSqliteTicketStore, type SqliteTicketStore } from "../../../runtime/store/sqlite/tickets";
import {
  buildPlatformClients,
  createTicketingMetrics,
  OutboxDispatcher,
  RcaEngine,
  TicketingAgent,
  type BackoffPolicy,
  type LlmSettings,
  type PlatformCredentials,
  type PlatformEndpoints,
  type TicketStore,
} from "../../../runtime/ticketing";
import {
  FakeJira,
  FakeOpsGenie,
  FakePagerDuty,
  FakeServiceNow,
  FakeSlack,
  FakeZammad,
  selfSignedCert,
} from "../../support/platforms";
import { outgoingRedactor } from "../../../runtime/bridge/redact";

export const TENANT = "acme";

export function makeIncident(overrides: Partial<Incident> = {}): Incident {
  return {
    id: "inc-1",
    fingerprint: "fp-checkout-db-timeout",
    tenant: TENANT,
    service: "checkout",
    rootCauseService: "payments",
    affectedServices: ["checkout", "payments", "cart"],
    severity: "high",
    score: 0.8,
    path: "immediate",
    signals: [
      { name: "error_burst", weight: 0.6, zScore: 7.1 },
      { name: "phrase:timeout", weight: 0.3, phrase: "timed out" },
    ],
    firstSeen: "2026-11-22T03:00:00.000Z",
    detectedAt: "2026-11-22T03:00:05.000Z",
    lastSeen: "2026-11-22T03:00:05.000Z",
    traceIds: ["0af7651916cd43dd8448eb211c80319c"],
    sampleLogIds: ["log-1", "log-2"],
    timeline: [
      {
        at: "2026-11-22T03:00:00.000Z",
        service: "payments",
        severity: "error",
        message: "connection pool exhausted (user alice@example.com, password=hunter2)",
        logId: "log-1",
        traceId: "0af7651916cd43dd8448eb211c80319c",
        templateId: "t1",
      },
      {
        at: "2026-11-22T03:00:02.000Z",
        service: "checkout",
        severity: "error",
        message: "upstream payments timed out after 2000 ms",
        logId: "log-2",
        traceId: "0af7651916cd43dd8448eb211c80319c",
        templateId: "t2",
      },
    ],
    status: "open",
    title: "checkout: upstream payments timed out",
    family: "timeout",
    templateId: "t2",
    template: "upstream <*> timed out after <*> ms",
    occurrences: 1,
    resolvedAt: null,
    ...overrides,
  };
}

export function makeLog(id: string, overrides: Partial<LogDocument> = {}): LogDocument {
  return {
    id,
    "@timestamp": "2026-11-22T03:00:00.000Z",
    observed_timestamp: null,
    tenant_id: TENANT,
    service: "payments",
    service_namespace: null,
    environment: "prod",
    host: null,
    pod: null,
    severity_text: "error",
    severity_number: 17,
    message: `message of ${id}`,
    template_id: "t1",
    template: "message of <*>",
    trace_id: "0af7651916cd43dd8448eb211c80319c",
    span_id: null,
    http_status: null,
    attributes: {},
    resource: {},
    redacted: false,
    ...overrides,
  };
}

/** A LogStore over an array, with the LogQuery semantics (newest first, limit). */
export class MemoryLogStore implements LogStore {
  readonly queries: LogQuery[] = [];
  constructor(public docs: LogDocument[] = []) {}

  async index(docs: LogDocument[]): Promise<void> {
    for (const d of docs) {
      this.docs = this.docs.filter((x) => x.id !== d.id);
      this.docs.push(d);
    }
  }

  async search(q: LogQuery): Promise<LogDocument[]> {
    this.queries.push(q);
    return this.docs
      .filter((d) => !q.ids || q.ids.includes(d.id))
      .filter((d) => !q.traceIds || (d.trace_id !== null && q.traceIds.includes(d.trace_id)))
      .filter((d) => !q.service || d.service === q.service)
      .filter((d) => !q.severity || d.severity_text === q.severity)
      .filter((d) => !q.from || d["@timestamp"] >= q.from)
      .filter((d) => !q.to || d["@timestamp"] <= q.to)
      .filter((d) => !q.q || d.message.toLowerCase().includes(q.q.toLowerCase()))
      .sort((a, b) => b["@timestamp"].localeCompare(a["@timestamp"]))
      .slice(0, q.limit ?? 100);
  }
}

/** An explicit clock the tests move by hand. */
export class TestClock {
  constructor(private ms = Date.parse("2026-11-22T04:00:00.000Z")) {}
  now = (): Date => new Date(this.ms);
  advance(ms: number): void {
    this.ms += ms;
  }
}

export const CREDENTIALS = {
  jira: { email: "bot@acme.test", apiToken: "jira-token-123" },
  servicenow: { username: "logclaw", password: "sn-pass" },
  pagerduty: { routingKey: "R0UT1NGKEY0123456789ABCDEFGHIJKL" },
  opsgenie: { apiKey: "0b8c6c5a-opsgenie-key" },
  slack: { webhookUrl: "" },
  zammad: { token: "zammad-token" },
} satisfies Record<PlatformName, Record<string, string>>;

/** All six fake platforms, PagerDuty over https with a throwaway certificate. */
export class Fakes {
  readonly jira = new FakeJira(CREDENTIALS.jira.email, CREDENTIALS.jira.apiToken, "OPS");
  readonly servicenow = new FakeServiceNow(CREDENTIALS.servicenow.username, CREDENTIALS.servicenow.password);
  readonly pagerduty = new FakePagerDuty(CREDENTIALS.pagerduty.routingKey);
  readonly opsgenie = new FakeOpsGenie(CREDENTIALS.opsgenie.apiKey);
  readonly slack = new FakeSlack();
  readonly zammad = new FakeZammad(CREDENTIALS.zammad.token);
  cert = "";

  async start(): Promise<this> {
    const tls = selfSignedCert();
    this.cert = tls.cert;
    await Promise.all([
      this.jira.start(),
      this.servicenow.start(),
      this.pagerduty.start(tls),
      this.opsgenie.start(),
      this.slack.start(),
      this.zammad.start(),
    ]);
    return this;
  }

  all() {
    return [this.jira, this.servicenow, this.pagerduty, this.opsgenie, this.slack, this.zammad];
  }

  get(platform: PlatformName) {
    return this[platform];
  }

  /** Tickets (issues, incidents, alerts, messages) the platform holds. */
  ticketCount(platform: PlatformName): number {
    switch (platform) {
      case "jira":
        return this.jira.issues.size;
      case "servicenow":
        return this.servicenow.incidents.size;
      case "pagerduty":
        return this.pagerduty.alerts.size;
      case "opsgenie":
        return this.opsgenie.alerts.size;
      case "slack":
        return this.slack.messages.length;
      case "zammad":
        return this.zammad.tickets.size;
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.all().map((f) => f.close()));
  }

  credentials(): PlatformCredentials {
    return { ...CREDENTIALS, slack: { webhookUrl: this.slack.webhookUrl } };
  }

  endpoints(): PlatformEndpoints {
    return {
      opsgenieBaseUrl: this.opsgenie.url,
      pagerdutyServer: this.pagerduty.host,
      pagerdutyAgent: new Agent({ ca: this.cert }),
      pagerdutyRetryTimeoutMs: 1,
    };
  }

  /**
   * A tenant routed to these fakes. Built as parsed output (the schema insists on https URLs for
   * Jira, ServiceNow and Zammad, which the plain-http fakes are not).
   */
  tenant(routing: TenantConfig["integrations"]["routing"]): TenantConfig {
    const base = tenantSchema.parse({
      id: TENANT,
      tier: "standard",
      environment: "prod",
      retentionDays: 7,
      ingest: { logsPerSecond: 1000, burst: 2000 },
    });
    return {
      ...base,
      integrations: {
        jira: { baseUrl: this.jira.url, projectKey: "OPS", issueType: "Bug", credentials: { key: "logclaw/acme/jira" } },
        servicenow: { instanceUrl: this.servicenow.url, assignmentGroup: "SRE", credentials: { key: "logclaw/acme/servicenow" } },
        pagerduty: { credentials: { key: "logclaw/acme/pagerduty" } },
        opsgenie: { region: "eu", team: "sre", credentials: { key: "logclaw/acme/opsgenie" } },
        slack: { channel: "#incidents", credentials: { key: "logclaw/acme/slack" } },
        zammad: { baseUrl: this.zammad.url, group: "Users", customer: "ops@acme.test", credentials: { key: "logclaw/acme/zammad" } },
        routing,
      },
    };
  }
}

export const ALL_PLATFORMS: PlatformName[] = ["jira", "servicenow", "pagerduty", "opsgenie", "slack", "zammad"];

export interface HarnessOptions {
  tenant: TenantConfig;
  store: TicketStore;
  fakes: Fakes;
  clock: TestClock;
  logs?: LogStore;
  llm?: LlmSettings | null;
  backoff?: BackoffPolicy;
  timeoutMs?: number;
  owner?: string;
}

export function buildHarness(options: HarnessOptions) {
  const registry = new Registry();
  const metrics = createTicketingMetrics(registry);
  const logger = pino({ level: "silent" });
  const redact = outgoingRedactor(options.tenant.redaction);
  const clients = buildPlatformClients(
    options.tenant.integrations,
    options.fakes.credentials(),
    options.fakes.endpoints(),
    options.timeoutMs ?? 2000,
  );
  const dispatcher = new OutboxDispatcher({
    tenant: options.tenant.id,
    store: options.store,
    clients,
    redact,
    dashboardUrl: "https://grafana.acme.test/d/logclaw?var-tenant=acme",
    metrics,
    logger,
    now: options.clock.now,
    owner: options.owner ?? "test-owner",
    backoff: options.backoff,
  });
  const rca = new RcaEngine({ llm: options.llm ?? null, redact, metrics, logger, now: options.clock.now });
  const agent = new TicketingAgent({
    tenant: options.tenant,
    store: options.store,
    logs: options.logs ?? new MemoryLogStore(),
    rca,
    dispatcher,
    redact,
    metrics,
    logger,
    now: options.clock.now,
  });
  return { agent, dispatcher, registry, metrics, clients };
}

/** What each dispatch test starts from: running fakes, an empty SQLite ticket store, a fresh clock. */
export interface TicketingWorld {
  fakes: Fakes;
  /** The store's data directory: reopening the store there simulates a restart. */
  dir: string;
  store: SqliteTicketStore;
  clock: TestClock;
}

export async function openTicketingWorld(dirPrefix: string): Promise<TicketingWorld> {
  const fakes = await new Fakes().start();
  const dir = mkdtempSync(join(tmpdir(), dirPrefix));
  return { fakes, dir, store: openSqliteTicketStore(dir), clock: new TestClock() };
}

/** Closes the store the test ended with (it may have reopened it), the fakes, and removes the directory. */
export async function closeTicketingWorld(world: Omit<TicketingWorld, "clock">): Promise<void> {
  await world.store.close();
  await world.fakes.close();
  rmSync(world.dir, { recursive: true, force: true });
}

export { openSqliteTicketStore };
