import type { LogQuery, LogStore } from "../../ports/stores";
import type { LogDocument, SeverityText } from "../../../contracts/records";
import type { Migration, SqliteDatabase } from "./database";

/**
 * Normalized logs in SQLite: one row per document (the whole document as JSON plus the columns the
 * filters need) and an external-content FTS5 index over the message, kept in step by triggers.
 */
export const LOG_MIGRATIONS: readonly Migration[] = [
  {
    name: "logs-001-create",
    sql: `
      CREATE TABLE logs (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        ts_ms INTEGER NOT NULL,
        service TEXT NOT NULL,
        severity_text TEXT NOT NULL,
        severity_number INTEGER NOT NULL,
        trace_id TEXT,
        message TEXT NOT NULL,
        doc TEXT NOT NULL
      );
      CREATE INDEX logs_ts ON logs (ts_ms);
      CREATE INDEX logs_service_ts ON logs (service, ts_ms);
      CREATE INDEX logs_trace ON logs (trace_id) WHERE trace_id IS NOT NULL;
      CREATE VIRTUAL TABLE logs_fts USING fts5 (message, content = 'logs', content_rowid = 'seq', tokenize = 'unicode61');
      CREATE TRIGGER logs_fts_insert AFTER INSERT ON logs BEGIN
        INSERT INTO logs_fts (rowid, message) VALUES (new.seq, new.message);
      END;
      CREATE TRIGGER logs_fts_delete AFTER DELETE ON logs BEGIN
        INSERT INTO logs_fts (logs_fts, rowid, message) VALUES ('delete', old.seq, old.message);
      END;
      CREATE TRIGGER logs_fts_update AFTER UPDATE OF message ON logs BEGIN
        INSERT INTO logs_fts (logs_fts, rowid, message) VALUES ('delete', old.seq, old.message);
        INSERT INTO logs_fts (rowid, message) VALUES (new.seq, new.message);
      END;
    `,
  },
  {
    // Retention counts from when a record was received, not from its own (client-given) timestamp:
    // an acknowledged record dated 1970 must not be deleted at the next sweep. Rows stored before
    // this step get the time of the upgrade, the earliest their receipt can be proven.
    name: "logs-002-received",
    sql: `
      ALTER TABLE logs ADD COLUMN received_ms INTEGER;
      UPDATE logs SET received_ms = CAST(unixepoch('subsec') * 1000 AS INTEGER);
      CREATE INDEX logs_received ON logs (received_ms);
    `,
  },
];

/** Upper bound on one search answer, whatever the caller asks. */
export const MAX_LOG_RESULTS = 1000;
const DEFAULT_LOG_RESULTS = 100;

/** Per-service counts over a time range, for the error-rate overview. */
export interface ServiceLogStats {
  service: string;
  total: number;
  errors: number;
  warnings: number;
  lastSeen: string;
}

export interface ServiceBucket {
  service: string;
  /** Bucket start (ISO-8601). */
  at: string;
  total: number;
  errors: number;
}

const ERROR_SEVERITIES: readonly SeverityText[] = ["error", "fatal"];

/**
 * Turns free text into an FTS5 query: every word must appear (prefix match), so operators and
 * punctuation typed by a user can never make the query invalid.
 */
export function toFtsQuery(text: string): string | null {
  const words = text.match(/[\p{L}\p{N}_]+/gu);
  if (!words || words.length === 0) return null;
  return words.map((word) => `"${word}"*`).join(" AND ");
}

function toMillis(iso: string, field: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`log query: ${field} is not an ISO-8601 time: ${iso}`);
  return ms;
}

export class SqliteLogStore implements LogStore {
  private readonly upsertStatement;

  constructor(private readonly db: SqliteDatabase) {
    this.upsertStatement = db.prepare(`
      INSERT INTO logs (id, ts_ms, service, severity_text, severity_number, trace_id, message, doc, received_ms)
      VALUES (@id, @ts_ms, @service, @severity_text, @severity_number, @trace_id, @message, @doc, @received_ms)
      ON CONFLICT (id) DO UPDATE SET
        ts_ms = excluded.ts_ms, service = excluded.service, severity_text = excluded.severity_text,
        severity_number = excluded.severity_number, trace_id = excluded.trace_id,
        message = excluded.message, doc = excluded.doc
    `);
  }

  /**
   * Stores a batch, committed when it returns (local mode's log sink). `receivedMs` (when the
   * records were received) is what retention counts from; without it, each document's own time.
   * A document stored again keeps its first received time.
   */
  indexSync(docs: readonly LogDocument[], receivedMs?: number): void {
    if (docs.length === 0) return;
    this.db.transaction((batch: readonly LogDocument[]) => {
      for (const doc of batch) {
        const tsMs = toMillis(doc["@timestamp"], "@timestamp");
        this.upsertStatement.run({
          id: doc.id,
          ts_ms: tsMs,
          received_ms: receivedMs ?? tsMs,
          service: doc.service,
          severity_text: doc.severity_text,
          severity_number: doc.severity_number,
          trace_id: doc.trace_id,
          message: doc.message,
          doc: JSON.stringify(doc),
        });
      }
    })(docs);
  }

  async search(query: LogQuery): Promise<LogDocument[]> {
    return this.searchSync(query);
  }

  searchSync(query: LogQuery): LogDocument[] {
    const where: string[] = [];
    const params: Record<string, string | number> = {};
    let from = "logs";
    const fts = query.q ? toFtsQuery(query.q) : null;
    if (query.q && !fts) return [];
    if (fts) {
      from = "logs JOIN logs_fts ON logs_fts.rowid = logs.seq";
      where.push("logs_fts MATCH @fts");
      params.fts = fts;
    }
    if (query.service) {
      where.push("logs.service = @service");
      params.service = query.service;
    }
    if (query.severity) {
      where.push("logs.severity_text = @severity");
      params.severity = query.severity;
    }
    if (query.from) {
      where.push("logs.ts_ms >= @from");
      params.from = toMillis(query.from, "from");
    }
    if (query.to) {
      where.push("logs.ts_ms <= @to");
      params.to = toMillis(query.to, "to");
    }
    addInList(where, params, "logs.trace_id", "trace", query.traceIds);
    addInList(where, params, "logs.id", "id", query.ids);
    params.limit = Math.max(1, Math.min(query.limit ?? DEFAULT_LOG_RESULTS, MAX_LOG_RESULTS));
    const sql = `SELECT logs.doc AS doc FROM ${from}
      ${where.length > 0 ? `WHERE ${where.join(" AND ")}` : ""}
      ORDER BY logs.ts_ms DESC, logs.seq DESC LIMIT @limit`;
    const rows = this.db.prepare(sql).all(params) as { doc: string }[];
    return rows.map((row) => JSON.parse(row.doc) as LogDocument);
  }

  count(): number {
    return (this.db.prepare("SELECT count(*) AS n FROM logs").get() as { n: number }).n;
  }

  /** Totals and error counts per service for logs with `@timestamp` in [from, to]. */
  serviceStats(from: string, to: string): ServiceLogStats[] {
    const rows = this.db
      .prepare(
        `SELECT service, count(*) AS total,
           sum(severity_text IN (${ERROR_SEVERITIES.map((s) => `'${s}'`).join(",")})) AS errors,
           sum(severity_text = 'warn') AS warnings, max(ts_ms) AS last_ms
         FROM logs WHERE ts_ms BETWEEN @from AND @to GROUP BY service ORDER BY service`,
      )
      .all({ from: toMillis(from, "from"), to: toMillis(to, "to") }) as {
      service: string;
      total: number;
      errors: number;
      warnings: number;
      last_ms: number;
    }[];
    return rows.map((row) => ({
      service: row.service,
      total: row.total,
      errors: row.errors,
      warnings: row.warnings,
      lastSeen: new Date(row.last_ms).toISOString(),
    }));
  }

  /** Per-service totals and errors in fixed buckets of `bucketMs` over [from, to]. */
  serviceBuckets(from: string, to: string, bucketMs: number): ServiceBucket[] {
    const rows = this.db
      .prepare(
        `SELECT service, (ts_ms / CAST(@bucket AS INTEGER)) * CAST(@bucket AS INTEGER) AS bucket_ms, count(*) AS total,
           sum(severity_text IN ('error','fatal')) AS errors
         FROM logs WHERE ts_ms BETWEEN @from AND @to GROUP BY service, bucket_ms ORDER BY service, bucket_ms`,
      )
      .all({ from: toMillis(from, "from"), to: toMillis(to, "to"), bucket: Math.max(1, Math.floor(bucketMs)) }) as {
      service: string;
      bucket_ms: number;
      total: number;
      errors: number;
    }[];
    return rows.map((row) => ({
      service: row.service,
      at: new Date(row.bucket_ms).toISOString(),
      total: row.total,
      errors: row.errors,
    }));
  }

  /** Retention: deletes logs received before `cutoff`; returns how many went. */
  deleteOlderThan(cutoff: string): number {
    return this.db.prepare("DELETE FROM logs WHERE received_ms < ?").run(toMillis(cutoff, "cutoff")).changes;
  }
}

function addInList(
  where: string[],
  params: Record<string, string | number>,
  column: string,
  prefix: string,
  values: readonly string[] | undefined,
): void {
  if (!values) return;
  if (values.length === 0) {
    where.push("0");
    return;
  }
  const names = values.map((value, i) => {
    params[`${prefix}${i}`] = value;
    return `@${prefix}${i}`;
  });
  where.push(`${column} IN (${names.join(", ")})`);
}
