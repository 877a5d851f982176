import type { SpanDocument } from "../../../contracts/records";
import { MAX_TRACE_SPANS, type SpanStore } from "../../ports/stores";
import type { Migration, SqliteDatabase } from "./database";

/**
 * Spans in SQLite: one row per span (the whole document as JSON plus the columns lookups need),
 * stored as they are received; retention counts from `received_ms` like logs.
 */
export const SPAN_MIGRATIONS: readonly Migration[] = [
  {
    name: "spans-001-create",
    sql: `
      CREATE TABLE spans (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        trace_id TEXT NOT NULL,
        service TEXT NOT NULL,
        start_ms REAL NOT NULL,
        received_ms INTEGER NOT NULL,
        doc TEXT NOT NULL
      );
      CREATE INDEX spans_trace ON spans (trace_id, start_ms);
      CREATE INDEX spans_received ON spans (received_ms);
    `,
  },
];

export class SqliteSpanStore implements SpanStore {
  private readonly upsertStatement;
  private readonly traceStatement;

  constructor(private readonly db: SqliteDatabase) {
    // A span stored again (a retried export) replaces its document but keeps its first received time.
    this.upsertStatement = db.prepare(`
      INSERT INTO spans (id, trace_id, service, start_ms, received_ms, doc)
      VALUES (@id, @trace_id, @service, @start_ms, @received_ms, @doc)
      ON CONFLICT (id) DO UPDATE SET trace_id = excluded.trace_id, service = excluded.service, start_ms = excluded.start_ms, doc = excluded.doc
    `);
    this.traceStatement = db.prepare(`SELECT doc FROM spans WHERE trace_id = ? ORDER BY start_ms, id LIMIT ${MAX_TRACE_SPANS}`);
  }

  /** Stores spans in one transaction: committed when it returns. Retention counts from `receivedMs`. */
  indexSync(spans: readonly SpanDocument[], receivedMs: number): void {
    if (spans.length === 0) return;
    this.db.transaction((batch: readonly SpanDocument[]) => {
      for (const span of batch) {
        this.upsertStatement.run({
          id: span.id,
          trace_id: span.trace_id,
          service: span.service,
          start_ms: span.start_ms,
          received_ms: receivedMs,
          doc: JSON.stringify(span),
        });
      }
    })(spans);
  }

  async trace(traceId: string): Promise<SpanDocument[]> {
    return (this.traceStatement.all(traceId) as { doc: string }[]).map((row) => JSON.parse(row.doc) as SpanDocument);
  }

  count(): number {
    return (this.db.prepare("SELECT count(*) AS n FROM spans").get() as { n: number }).n;
  }

  /** Deletes spans received before `cutoff` (ISO-8601): retention counts from receipt, never from a span's own time. */
  deleteOlderThan(cutoff: string): number {
    const cutoffMs = Date.parse(cutoff);
    if (Number.isNaN(cutoffMs)) throw new Error(`span retention: cutoff is not an ISO-8601 time: ${cutoff}`);
    return this.db.prepare("DELETE FROM spans WHERE received_ms < ?").run(cutoffMs).changes;
  }
}
