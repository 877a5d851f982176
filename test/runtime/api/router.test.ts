import express from "express";
import { mkdtempSync, rmSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Registry } from "prom-client";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createApiRouter, type ApiRouterOptions } from "../../../runtime/api";
import type { Incident, SpanDocument } from "../../../contracts/records";
import { openDatabase, type SqliteDatabase } from "../../../runtime/store/sqlite/database";
import { INCIDENT_MIGRATIONS, SqliteIncidentStore } from "../../../runtime/store/sqlite/incidents";
import { LOG_MIGRATIONS, SqliteLogStore } from "../../../runtime/store/sqlite/logs";
import { SqliteWorkflowStore, WORKFLOW_MIGRATIONS } from "../../../runtime/store/sqlite/workflow";
import { SPAN_MIGRATIONS, SqliteSpanStore } from "../../../runtime/store/sqlite/spans";
import { SqliteTicketStore, TICKET_MIGRATIONS } from "../../../runtime/store/sqlite/tickets";
import { ruleBasedRca } from "../../../runtime/ticketing";
import { makeIncident, makeLog, TENANT } from "../ticketing/fixtures";

const TOKEN = "s3cret-api-token";

describe("HTTP API", () => {
  let dir: string;
  let db: SqliteDatabase;
  let server: Server;
  let base: string;
  let incidents: SqliteIncidentStore;
  let tickets: SqliteTicketStore;
  let resolved: Incident[];

  async function serve(overrides: Partial<ApiRouterOptions> = {}): Promise<void> {
    const registry = new Registry();
    const app = express();
    app.use(
      createApiRouter({
        tenant: TENANT,
        incidents,
        logs: new SqliteLogStore(db),
        spans: new SqliteSpanStore(db),
        tickets,
        workflow: new SqliteWorkflowStore(db),
        authToken: TOKEN,
        registry,
        onResolve: async (incident) => {
          resolved.push(incident);
        },
        now: () => new Date("2026-11-22T05:00:00.000Z"),
        ...overrides,
      }),
    );
    server = app.listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  const get = (path: string, token: string | null = TOKEN) =>
    fetch(`${base}${path}`, { headers: token ? { Authorization: `Bearer ${token}` } : {} });

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "logclaw-api-"));
    db = openDatabase(dir, [...LOG_MIGRATIONS, ...SPAN_MIGRATIONS, ...INCIDENT_MIGRATIONS, ...TICKET_MIGRATIONS, ...WORKFLOW_MIGRATIONS]);
    incidents = new SqliteIncidentStore(db);
    tickets = new SqliteTicketStore(db);
    resolved = [];
    await incidents.upsert(makeIncident({ id: "inc-old", fingerprint: "fp-old", detectedAt: "2026-11-22T01:00:00.000Z" }));
    await incidents.upsert(makeIncident({ id: "inc-new", detectedAt: "2026-11-22T03:00:05.000Z" }));
    await incidents.upsert(makeIncident({ id: "inc-other", tenant: "globex", detectedAt: "2026-11-22T04:00:00.000Z" }));
    new SqliteLogStore(db).indexSync([
      makeLog("l1", { "@timestamp": "2026-11-22T03:00:00.000Z", message: "payments pool exhausted" }),
      makeLog("l2", { "@timestamp": "2026-11-22T03:00:01.000Z", service: "checkout", severity_text: "warn", severity_number: 13, message: "slow payments" }),
      makeLog("l3", { "@timestamp": "2026-11-22T03:00:02.000Z", tenant_id: "globex", message: "payments of globex" }),
    ]);
    const incident = makeIncident({ id: "inc-new" });
    const rca = ruleBasedRca(incident, { samples: [], traceLogs: [], blastRadius: {}, errors: [] }, (s) => s, "2026-11-22T03:00:06.000Z", null);
    await tickets.saveAnalysis(TENANT, "inc-new", rca);
    await tickets.recordEvent({ tenant: TENANT, platform: "jira", type: "opened", incident, rca, now: "2026-11-22T03:00:06.000Z" });
  });

  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("lists the tenant's incidents newest first, filtered by since", async () => {
    await serve();
    const all = (await (await get("/api/incidents")).json()) as { incidents: Incident[] };
    expect(all.incidents.map((i) => i.id)).toEqual(["inc-new", "inc-old"]);
    const recent = (await (await get("/api/incidents?since=2026-11-22T02:00:00Z")).json()) as { incidents: Incident[] };
    expect(recent.incidents.map((i) => i.id)).toEqual(["inc-new"]);
  });

  it("returns one incident with its RCA and tickets, and hides other tenants' incidents", async () => {
    await serve();
    const res = await get("/api/incidents/inc-new");
    expect(res.headers.get("content-type")).toContain("application/json");
    const body = (await res.json()) as { incident: Incident; rca: { source: string }; tickets: { platform: string; status: string }[] };
    expect(body.incident.id).toBe("inc-new");
    expect(body.rca.source).toBe("rules");
    expect(body.tickets).toMatchObject([{ platform: "jira", status: "pending" }]);
    expect((await get("/api/incidents/inc-other")).status).toBe(404);
    expect((await get("/api/incidents/nope")).status).toBe(404);
  });

  it("returns a stored trace earliest span first, and an incident's exemplar traces", async () => {
    const traceId = "0af7651916cd43dd8448eb211c80319c";
    const span = (spanId: string, parent: string | null, service: string, startMs: number, tenant = TENANT): SpanDocument => ({
      id: `${traceId}-${spanId}`,
      "@timestamp": new Date(startMs + 10).toISOString(),
      tenant_id: tenant,
      service,
      trace_id: traceId,
      span_id: spanId,
      parent_span_id: parent,
      name: `${service} op`,
      kind: "server",
      start_ms: startMs,
      end_ms: startMs + 10,
      duration_ms: 10,
      status: "unset",
      status_message: "",
      peer: null,
      attributes: {},
      resource: { "service.name": service },
    });
    const at = Date.parse("2026-11-22T03:00:00.000Z");
    new SqliteSpanStore(db).indexSync(
      [span("b".repeat(16), "a".repeat(16), "payments", at + 2), span("a".repeat(16), null, "checkout", at), span("c".repeat(16), null, "other", at + 1, "globex")],
      at + 100,
    );
    await serve();
    const trace = (await (await get(`/api/traces/${traceId.toUpperCase()}`)).json()) as { traceId: string; spans: SpanDocument[] };
    expect(trace.traceId).toBe(traceId);
    // Another tenant's span in the same trace id is not this tenant's to see.
    expect(trace.spans.map((s) => s.service)).toEqual(["checkout", "payments"]);
    expect((await get(`/api/traces/${"f".repeat(32)}`)).status).toBe(404);
    const bad = await get("/api/traces/not-a-trace");
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: "trace id must be 32 hexadecimal digits" });
    expect((await get(`/api/traces/${traceId}`, null)).status).toBe(401);

    const exemplars = (await (await get("/api/incidents/inc-new/traces")).json()) as { traceIds: string[]; traces: { traceId: string; spans: SpanDocument[] }[] };
    expect(exemplars.traceIds).toEqual([traceId]);
    expect(exemplars.traces.map((t) => [t.traceId, t.spans.length])).toEqual([[traceId, 2]]);
    expect((await get("/api/incidents/inc-other/traces")).status).toBe(404);
  });

  it("resolves an incident, stores it and hands it to the resolution hook", async () => {
    await serve();
    const res = await fetch(`${base}/api/incidents/inc-new/resolve`, { method: "POST", headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { incident: Incident }).incident).toMatchObject({ status: "resolved", resolvedAt: "2026-11-22T05:00:00.000Z" });
    expect((await incidents.get("inc-new"))?.status).toBe("resolved");
    expect(resolved.map((i) => i.id)).toEqual(["inc-new"]);
    const other = await fetch(`${base}/api/incidents/inc-other/resolve`, { method: "POST", headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(other.status).toBe(404);
    expect((await incidents.get("inc-other"))?.status).toBe("open");
  });

  it("lists tickets and the permanently failed outbox items", async () => {
    await serve();
    const [claimed] = await tickets.claimDue(TENANT, "o", "2026-11-22T03:00:07.000Z", "2026-11-22T03:01:07.000Z", 5);
    await tickets.markFailed(claimed!.item.id, "o", "Jira answered 400", "2026-11-22T03:00:08.000Z");
    const body = (await (await get("/api/tickets")).json()) as { tickets: unknown[]; outbox: { lastError: string; incidentId: string }[]; counts: unknown };
    expect(body.tickets).toHaveLength(1);
    expect(body.outbox).toMatchObject([{ status: "failed", lastError: "Jira answered 400", incidentId: "inc-new" }]);
    expect(body.counts).toEqual({ pending: 0, delivered: 0, failed: 1 });
  });

  it("searches the tenant's logs newest first", async () => {
    await serve();
    const body = (await (await get("/api/logs?q=payments&limit=10")).json()) as { logs: { id: string }[] };
    expect(body.logs.map((l) => l.id)).toEqual(["l2", "l1"]);
    const warn = (await (await get("/api/logs?severity=warn&service=checkout&from=2026-11-22T03:00:00Z&to=2026-11-22T04:00:00Z")).json()) as { logs: { id: string }[] };
    expect(warn.logs.map((l) => l.id)).toEqual(["l2"]);
  });

  it.each([
    ["/api/incidents?since=yesterday", "since"],
    ["/api/incidents?limit=0", "limit"],
    ["/api/incidents?limit=abc", "limit"],
    ["/api/incidents?since=2026-01-01&since=2026-01-02", "since"],
    ["/api/incidents?sort=asc", "sort"],
    ["/api/logs?severity=loud", "severity"],
    ["/api/logs?from=2026-13-45", "from"],
    ["/api/logs?from=2026-11-22T05:00:00Z&to=2026-11-22T04:00:00Z", "from"],
    ["/api/logs?limit=5000", "limit"],
    ["/api/tickets?status=closed", "status"],
  ])("answers 400 naming the parameter for %s", async (path, param) => {
    await serve();
    const res = await get(path);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string };
    expect(body.error).toContain(param);
    expect(body.error).not.toContain("\n");
  });

  it("requires the bearer token on /api but keeps probes and metrics open", async () => {
    await serve();
    expect((await get("/api/incidents", null)).status).toBe(401);
    expect((await get("/api/incidents", "wrong")).status).toBe(401);
    expect((await get("/api/logs", `${TOKEN}x`)).status).toBe(401);
    expect((await get("/healthz", null)).status).toBe(200);
    expect((await get("/readyz", null)).status).toBe(200);
    const metrics = await get("/metrics", null);
    expect(metrics.headers.get("content-type")).toContain("text/plain");
  });

  it("runs without authentication when no token is configured (local mode)", async () => {
    await serve({ authToken: null });
    expect((await get("/api/incidents", null)).status).toBe(200);
  });

  it("reports not ready with the failing dependency", async () => {
    await serve({ readiness: async () => ({ ready: false, checks: { opensearch: "connection refused" } }) });
    const res = await get("/readyz", null);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: "not ready", checks: { opensearch: "connection refused" } });
  });

  it("answers JSON 404 for unknown API paths", async () => {
    await serve();
    const res = await get("/api/nothing");
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: "not found" });
  });
});
