import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { EVENT_TIME_BOUNDS } from "../../../../contracts/event-time";
import { retentionMinIndexAge } from "../../../../contracts/opensearch/retention";
import type { LogDocument } from "../../../../contracts/records";
import { BridgePipeline } from "../../../../runtime/bridge";
import { createTemplateMiner } from "../../../../runtime/bridge/template";
import { DEFAULT_BACKOFF, writeLogDocuments } from "../../../../runtime/sinks";
import { createOpenSearchClient, ensureIndexLifecycle, OpenSearchLogStore } from "../../../../runtime/store/opensearch";
import { readServersState } from "../../../support/servers";

const client = createOpenSearchClient({ url: readServersState().opensearch.url });
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const RETENTION_DAYS = 7;
const tenant = `retention-${randomUUID().slice(0, 8)}`;
const receivedMs = Date.now();
const ns = (ms: number) => `${BigInt(ms) * 1_000_000n}`;

/** Records whose own time the bridge does not believe, and one it does (six days old: the longest-lived index). */
const RECORDS: { name: string; timeUnixNano?: string }[] = [
  { name: "dated-1970", timeUnixNano: ns(Date.UTC(1970, 0, 1, 0, 0, 1)) },
  { name: "dated-2100", timeUnixNano: ns(Date.UTC(2100, 0, 1)) },
  { name: "without-time" },
  { name: "six-days-old", timeUnixNano: ns(receivedMs - 6 * DAY) },
];
let stored: Map<string, LogDocument>;

beforeAll(async () => {
  await ensureIndexLifecycle(client, { retentionDays: RETENTION_DAYS, replicas: 0, shards: 1 });
  const pipeline = new BridgePipeline({ tenantId: tenant, miner: createTemplateMiner() });
  const request = JSON.stringify({
    resourceLogs: [
      {
        resource: { attributes: [{ key: "service.name", value: { stringValue: "billing" } }] },
        scopeLogs: [{ logRecords: RECORDS.map((r) => ({ ...(r.timeUnixNano ? { timeUnixNano: r.timeUnixNano } : {}), body: { stringValue: `retention probe ${r.name} ${tenant}` } })) }],
      },
    ],
  });
  const result = pipeline.processOtlp(request, "json", "test", receivedMs);
  const written = await writeLogDocuments(client, result.documents, { maxDocsPerRequest: 100, backoff: DEFAULT_BACKOFF, onRetry: () => undefined });
  expect(written.indexed).toBe(RECORDS.length);
  await client.indices.refresh({ index: "logclaw-logs-*" });
  const found = await new OpenSearchLogStore(client).search({ q: tenant, limit: 100 });
  stored = new Map(found.filter((d) => d.tenant_id === tenant).map((d) => [d.message.split(" ")[2]!, d]));
});

afterAll(() => client.close());

describe("log retention counts from when a record was received (real OpenSearch)", () => {
  it("finds every acknowledged record: dated 1970, dated 2100 and without any time", () => {
    expect([...stored.keys()].sort()).toEqual(RECORDS.map((r) => r.name).sort());
    for (const name of ["dated-1970", "dated-2100", "without-time"]) {
      const doc = stored.get(name)!;
      // Placed at its received time, so it lives in today's index, not in one of 1970 or 2100.
      expect(doc["@timestamp"]).toBe(new Date(receivedMs).toISOString());
    }
    expect(stored.get("dated-1970")!.attributes["logclaw.original_time_unix_nano"]).toBe(RECORDS[0]!.timeUnixNano);
  });

  it("keeps each record's index past its retention from receipt, however early the index was created", async () => {
    const ageMs = Number(/^(\d+)h$/.exec(retentionMinIndexAge(RETENTION_DAYS))![1]) * HOUR;
    for (const doc of stored.values()) {
      const hit = await client.search({ index: "logclaw-logs-*", body: { query: { ids: { values: [doc.id] } } } });
      const index = (hit.body.hits.hits[0] as { _index: string })._index;
      const [, y, m, d] = /(\d{4})\.(\d{2})\.(\d{2})$/.exec(index)!.map(Number);
      // ISM counts the age from creation; the earliest the index can exist is an earlier record of its day dated ahead by the full skew.
      const earliestCreation = Date.UTC(y!, m! - 1, d!) - EVENT_TIME_BOUNDS.maxAheadMs;
      const settings = await client.indices.getSettings({ index, name: "index.creation_date" });
      const created = Number((settings.body as Record<string, { settings: { index: { creation_date: string } } }>)[index]!.settings.index.creation_date);
      expect(created).toBeGreaterThanOrEqual(earliestCreation);
      expect(earliestCreation + ageMs).toBeGreaterThanOrEqual(receivedMs + RETENTION_DAYS * DAY);
    }
  });
});
