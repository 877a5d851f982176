import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { Agent } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Kafka, logLevel, type Producer } from "kafkajs";
import pino from "pino";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { stringify } from "yaml";
import type { DeadLetter, IncidentEvent } from "../../../contracts/records";
import { createOpenSearchClient, OpenSearchIncidentStore } from "../../../runtime/store/opensearch";
import { loadTicketingConfig, startTicketing, type RunningTicketing } from "../../../runtime/services/ticketing";
import { FakeOpsGenie, FakePagerDuty, FakeSlack, selfSignedCert } from "../../support/platforms";
import { readServersState } from "../../support/servers";
import { makeIncident } from "./fixtures";

const state = readServersState();
const TOKEN = "integration-token-0123456789";

/**
 * The ticketing container end to end: incidents on a real Kafka topic, stores on a real OpenSearch
 * node, tickets on fake platforms, configuration from environment variables and a tenant file.
 */
describe("logclaw ticketing against Kafka and OpenSearch", () => {
  const tenantId = `tk${randomUUID().slice(0, 8)}`;
  const topic = `incidents-${tenantId}`;
  const deadLetterTopic = `dead-letter-${tenantId}`;
  const pagerduty = new FakePagerDuty("R0UT1NGKEY0123456789ABCDEFGHIJKL");
  const opsgenie = new FakeOpsGenie("og-key");
  const slack = new FakeSlack();
  const kafka = new Kafka({ clientId: "ticketing-test", brokers: state.kafka.brokers, logLevel: logLevel.NOTHING });
  let producer: Producer;
  let dir: string;
  let agent: RunningTicketing;
  let registry: Registry;
  let base: string;

  const send = (...values: (IncidentEvent | string)[]) =>
    producer.send({
      topic,
      messages: values.map((v) => ({ key: typeof v === "string" ? "bad" : v.incident.fingerprint, value: typeof v === "string" ? v : JSON.stringify(v) })),
    });
  const api = async (path: string, init: RequestInit = {}) => {
    const res = await fetch(`${base}${path}`, { ...init, headers: { Authorization: `Bearer ${TOKEN}` } });
    return { status: res.status, body: (await res.json()) as any }; // eslint-disable-line @typescript-eslint/no-explicit-any -- API answers are checked field by field
  };

  beforeAll(async () => {
    const tls = selfSignedCert();
    await Promise.all([pagerduty.start(tls), opsgenie.start(), slack.start()]);
    dir = mkdtempSync(join(tmpdir(), "logclaw-ticketing-it-"));
    const tenantFile = join(dir, `${tenantId}.yaml`);
    writeFileSync(
      tenantFile,
      stringify({
        id: tenantId,
        tier: "standard",
        environment: "dev",
        retentionDays: 7,
        ingest: { logsPerSecond: 1000, burst: 2000 },
        integrations: {
          pagerduty: { credentials: { key: `logclaw/${tenantId}/pagerduty` } },
          opsgenie: { region: "eu", credentials: { key: `logclaw/${tenantId}/opsgenie` } },
          slack: { credentials: { key: `logclaw/${tenantId}/slack` } },
          routing: { critical: ["pagerduty", "slack"], high: ["opsgenie"], medium: [], low: [] },
        },
      }),
    );
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }, { topic: deadLetterTopic, numPartitions: 1 }], waitForLeaders: true });
    await admin.disconnect();
    producer = kafka.producer();
    await producer.connect();

    const config = loadTicketingConfig({
      LOGCLAW_TENANT_ID: tenantId,
      LOGCLAW_TENANT_FILE: tenantFile,
      LOGCLAW_HTTP_PORT: "0",
      LOGCLAW_KAFKA_BROKERS: state.kafka.brokers.join(","),
      LOGCLAW_KAFKA_SASL_MECHANISM: "none",
      LOGCLAW_OPENSEARCH_URL: state.opensearch.url,
      LOGCLAW_API_TOKEN: TOKEN,
      LOGCLAW_DASHBOARD_URL: "https://grafana.test/d/logclaw?var-tenant=x",
      LOGCLAW_TOPIC_INCIDENTS: topic,
      LOGCLAW_TOPIC_DEAD_LETTER: deadLetterTopic,
      LOGCLAW_KAFKA_GROUP_ID: `ticketing-${tenantId}`,
      LOGCLAW_PAGERDUTY_ROUTING_KEY: "R0UT1NGKEY0123456789ABCDEFGHIJKL",
      LOGCLAW_OPSGENIE_API_KEY: "og-key",
      LOGCLAW_SLACK_WEBHOOK_URL: slack.webhookUrl,
      LOGCLAW_LOG_LEVEL: "silent",
    });
    registry = new Registry();
    agent = await startTicketing(config, pino({ level: "silent" }), registry, {
      opsgenieBaseUrl: opsgenie.url,
      pagerdutyServer: pagerduty.host,
      pagerdutyAgent: new Agent({ ca: tls.cert }),
    });
    base = `http://127.0.0.1:${agent.port}`;
  });

  afterAll(async () => {
    await agent?.stop();
    await producer?.disconnect();
    await Promise.all([pagerduty.close(), opsgenie.close(), slack.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it("files routed tickets once, skips unreadable events, and propagates resolution", async () => {
    const critical = makeIncident({ id: `${tenantId}-1`, tenant: tenantId, fingerprint: `${tenantId}-fp-1`, severity: "critical" });
    const high = makeIncident({ id: `${tenantId}-2`, tenant: tenantId, fingerprint: `${tenantId}-fp-2`, severity: "high" });
    await new OpenSearchIncidentStore(createOpenSearchClient({ url: state.opensearch.url })).upsert(critical);
    await send("{not json", { type: "opened", incident: critical }, { type: "opened", incident: high }, { type: "opened", incident: critical });

    await vi.waitFor(async () => expect((await api("/api/tickets")).body.counts.delivered).toBe(3), { timeout: 60_000, interval: 200 });
    expect(pagerduty.alerts.size).toBe(1);
    expect(slack.messages).toHaveLength(1);
    expect(opsgenie.alerts.size).toBe(1);
    for (const fake of [pagerduty, opsgenie, slack]) expect(fake.rejected).toEqual([]);
    expect(await registry.getSingleMetricAsString("logclaw_ticketing_events_dropped_total")).toContain('reason="invalid_event"} 1');
    const letters: DeadLetter[] = [];
    const consumer = kafka.consumer({ groupId: `dl-${tenantId}` });
    await consumer.connect();
    await consumer.subscribe({ topic: deadLetterTopic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void letters.push(JSON.parse(message.value!.toString()) as DeadLetter) });
    await vi.waitFor(() => expect(letters).toHaveLength(1), { timeout: 30_000, interval: 100 });
    await consumer.disconnect();
    expect(letters[0]).toMatchObject({ payload: "{not json", source: expect.stringMatching(new RegExp(`^${topic}/\\d+/\\d+$`)) });
    expect(letters[0]!.reason).toContain("not JSON");

    const detail = await api(`/api/incidents/${critical.id}`);
    expect(detail.status).toBe(200);
    expect(detail.body.rca.source).toBe("rules");
    expect(detail.body.tickets.map((t: { platform: string }) => t.platform).sort()).toEqual(["pagerduty", "slack"]);

    const resolved = await api(`/api/incidents/${critical.id}/resolve`, { method: "POST" });
    expect(resolved.body.incident.status).toBe("resolved");
    await vi.waitFor(() => expect(pagerduty.alerts.get(critical.fingerprint)?.status).toBe("resolved"), { timeout: 30_000, interval: 100 });
  });
});
