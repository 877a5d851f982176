import type { WorkflowStore } from "../../ports/stores";
import type { IncidentWorkflow } from "../../../contracts/records";
import type { Migration, SqliteDatabase } from "./database";

/** Incident workflows in SQLite: the whole record as JSON, keyed by tenant and incident id. */
export const WORKFLOW_MIGRATIONS: readonly Migration[] = [
  {
    name: "workflow-001-create",
    sql: `
      CREATE TABLE incident_workflow (
        tenant TEXT NOT NULL,
        incident_id TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        verdict TEXT,
        doc TEXT NOT NULL,
        PRIMARY KEY (tenant, incident_id)
      );
      CREATE INDEX incident_workflow_verdict ON incident_workflow (tenant, verdict) WHERE verdict IS NOT NULL;
    `,
  },
];

export class SqliteWorkflowStore implements WorkflowStore {
  constructor(private readonly db: SqliteDatabase) {}

  async get(tenant: string, incidentId: string): Promise<IncidentWorkflow | null> {
    const row = this.db.prepare("SELECT doc FROM incident_workflow WHERE tenant = ? AND incident_id = ?").get(tenant, incidentId) as { doc: string } | undefined;
    return row ? (JSON.parse(row.doc) as IncidentWorkflow) : null;
  }

  async save(w: IncidentWorkflow): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO incident_workflow (tenant, incident_id, fingerprint, verdict, doc) VALUES (@tenant, @id, @fingerprint, @verdict, @doc)
         ON CONFLICT (tenant, incident_id) DO UPDATE SET fingerprint = excluded.fingerprint, verdict = excluded.verdict, doc = excluded.doc`,
      )
      .run({ tenant: w.tenant, id: w.incidentId, fingerprint: w.fingerprint, verdict: w.verdict, doc: JSON.stringify(w) });
  }

  async many(tenant: string, incidentIds: readonly string[]): Promise<IncidentWorkflow[]> {
    if (incidentIds.length === 0) return [];
    const rows = this.db
      .prepare(`SELECT doc FROM incident_workflow WHERE tenant = ? AND incident_id IN (SELECT value FROM json_each(?))`)
      .all(tenant, JSON.stringify(incidentIds)) as { doc: string }[];
    return rows.map((r) => JSON.parse(r.doc) as IncidentWorkflow);
  }

  async withVerdict(tenant: string): Promise<IncidentWorkflow[]> {
    const rows = this.db.prepare("SELECT doc FROM incident_workflow WHERE tenant = ? AND verdict IS NOT NULL").all(tenant) as { doc: string }[];
    return rows.map((r) => JSON.parse(r.doc) as IncidentWorkflow);
  }
}
