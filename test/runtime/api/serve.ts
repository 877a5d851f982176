import express from "express";
import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Registry } from "prom-client";
import { createApiRouter, type ApiRouterOptions } from "../../../runtime/api";
import { openDatabase, type SqliteDatabase } from "../../../runtime/store/sqlite/database";
import { INCIDENT_MIGRATIONS, SqliteIncidentStore } from "../../../runtime/store/sqlite/incidents";
import { LOG_MIGRATIONS, SqliteLogStore } from "../../../runtime/store/sqlite/logs";
import { SPAN_MIGRATIONS, SqliteSpanStore } from "../../../runtime/store/sqlite/spans";
import { SqliteWorkflowStore, WORKFLOW_MIGRATIONS } from "../../../runtime/store/sqlite/workflow";
import { TENANT } from "../ticketing/fixtures";

export interface ServedApi {
  base: string;
  db: SqliteDatabase;
  logs: SqliteLogStore;
  incidents: SqliteIncidentStore;
  close(): Promise<void>;
}

/** A temporary SQLite store; `seed` fills it before the API router is served on an ephemeral port. */
export async function serveApi(
  token: string,
  seed: (stores: Pick<ServedApi, "db" | "logs" | "incidents">) => Promise<void> | void,
  overrides: Partial<ApiRouterOptions> = {},
): Promise<ServedApi> {
  const dir = mkdtempSync(join(tmpdir(), "logclaw-api-"));
  const db = openDatabase(dir, [...LOG_MIGRATIONS, ...SPAN_MIGRATIONS, ...INCIDENT_MIGRATIONS, ...WORKFLOW_MIGRATIONS]);
  const logs = new SqliteLogStore(db);
  const incidents = new SqliteIncidentStore(db);
  await seed({ db, logs, incidents });
  const app = express();
  app.use(
    createApiRouter({
      tenant: TENANT,
      incidents,
      logs,
      spans: new SqliteSpanStore(db),
      tickets: null,
      workflow: new SqliteWorkflowStore(db),
      authToken: token,
      registry: new Registry(),
      now: () => new Date("2026-11-22T05:00:00.000Z"),
      ...overrides,
    }),
  );
  const server = app.listen(0, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    db,
    logs,
    incidents,
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
