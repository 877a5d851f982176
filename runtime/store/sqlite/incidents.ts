import type { IncidentQuery, IncidentStore } from "../../ports/stores";
import type { Incident } from "../../../contracts/records";
import type { Migration, SqliteDatabase } from "./database";

/** Incidents in SQLite: the whole Incident as JSON plus the columns listing and retention need. */
export const INCIDENT_MIGRATIONS: readonly Migration[] = [
  {
    name: "incidents-001-create",
    sql: `
      CREATE TABLE incidents (
        id TEXT PRIMARY KEY,
        fingerprint TEXT NOT NULL,
        service TEXT NOT NULL,
        status TEXT NOT NULL,
        detected_ms INTEGER NOT NULL,
        last_seen_ms INTEGER NOT NULL,
        doc TEXT NOT NULL
      );
      CREATE INDEX incidents_detected ON incidents (detected_ms);
      CREATE INDEX incidents_fingerprint ON incidents (fingerprint);
    `,
  },
];

export const MAX_INCIDENT_RESULTS = 1000;
const DEFAULT_INCIDENT_RESULTS = 100;

function toMillis(iso: string, field: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`incident: ${field} is not an ISO-8601 time: ${iso}`);
  return ms;
}

export class SqliteIncidentStore implements IncidentStore {
  private readonly upsertStatement;
  private readonly getStatement;

  constructor(private readonly db: SqliteDatabase) {
    this.upsertStatement = db.prepare(`
      INSERT INTO incidents (id, fingerprint, service, status, detected_ms, last_seen_ms, doc)
      VALUES (@id, @fingerprint, @service, @status, @detected_ms, @last_seen_ms, @doc)
      ON CONFLICT (id) DO UPDATE SET
        fingerprint = excluded.fingerprint, service = excluded.service, status = excluded.status,
        detected_ms = excluded.detected_ms, last_seen_ms = excluded.last_seen_ms, doc = excluded.doc
    `);
    this.getStatement = db.prepare("SELECT doc FROM incidents WHERE id = ?");
  }

  upsertSync(incident: Incident): void {
    this.upsertStatement.run({
      id: incident.id,
      fingerprint: incident.fingerprint,
      service: incident.service,
      status: incident.status,
      detected_ms: toMillis(incident.detectedAt, "detectedAt"),
      last_seen_ms: toMillis(incident.lastSeen, "lastSeen"),
      doc: JSON.stringify(incident),
    });
  }

  async upsert(incident: Incident): Promise<void> {
    this.upsertSync(incident);
  }

  async list(query: IncidentQuery): Promise<Incident[]> {
    const params: Record<string, number> = {
      limit: Math.max(1, Math.min(query.limit ?? DEFAULT_INCIDENT_RESULTS, MAX_INCIDENT_RESULTS)),
    };
    let where = "";
    if (query.since) {
      where = "WHERE detected_ms >= @since";
      params.since = toMillis(query.since, "since");
    }
    const rows = this.db
      .prepare(`SELECT doc FROM incidents ${where} ORDER BY detected_ms DESC, id DESC LIMIT @limit`)
      .all(params) as { doc: string }[];
    return rows.map((row) => JSON.parse(row.doc) as Incident);
  }

  async get(id: string): Promise<Incident | null> {
    const row = this.getStatement.get(id) as { doc: string } | undefined;
    return row ? (JSON.parse(row.doc) as Incident) : null;
  }

  count(): number {
    return (this.db.prepare("SELECT count(*) AS n FROM incidents").get() as { n: number }).n;
  }

  /** Retention: deletes resolved or stale incidents last seen before `cutoff`. */
  deleteOlderThan(cutoff: string): number {
    return this.db.prepare("DELETE FROM incidents WHERE last_seen_ms < ?").run(toMillis(cutoff, "cutoff")).changes;
  }
}
