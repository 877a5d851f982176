import type { LogContext, LogExplorer, LogPage, LogQuery, LogSearch, LogStore, LogVolumeBucket } from "../../ports/stores";
import { cursorCondition, decodeCursor, encodeCursor, keyedEquals, keyedIn, sqlFilterOf, traceKey, type KeyedColumn } from "./log-search";
import type { LogDocument, SeverityText } from "../../../contracts/records";
import type { Migration, SqliteDatabase } from "./database";

/**
 * Normalized logs in SQLite: one row per document (the whole document as JSON plus the columns the
 * filters need), an external-content FTS5 index over the message and a contentless one over trace
 * ids: new rows are added to them once per batch, updated and deleted rows by triggers.
 */
/** Updated and deleted rows leave and re-enter the full-text index (they must see the old message). */
const FTS_CHANGE_TRIGGERS = `
  CREATE TRIGGER logs_fts_delete AFTER DELETE ON logs BEGIN
    INSERT INTO logs_fts (logs_fts, rowid, message) VALUES ('delete', old.seq, old.message);
  END;
  CREATE TRIGGER logs_fts_update AFTER UPDATE OF message ON logs BEGIN
    INSERT INTO logs_fts (logs_fts, rowid, message) VALUES ('delete', old.seq, old.message);
    INSERT INTO logs_fts (rowid, message) VALUES (new.seq, new.message);
  END;
`;

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
      ${FTS_CHANGE_TRIGGERS}
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
  {
    // The API scopes every query to its tenant: a generated column keeps that filter on an index.
    name: "logs-003-tenant",
    sql: `
      ALTER TABLE logs ADD COLUMN tenant_id TEXT GENERATED ALWAYS AS (json_extract(doc, '$.tenant_id')) VIRTUAL;
      CREATE INDEX logs_tenant_ts ON logs (tenant_id, ts_ms);
    `,
  },
  {
    // A trigger on every inserted row makes each row's statement a savepoint, and FTS5 writes its
    // pending terms to a new segment at every savepoint: one segment (and its merges) per record.
    // New rows now enter the index in one statement per batch (indexSync); updates and deletes keep
    // their triggers (rare, and they must see the old message).
    name: "logs-004-fts-per-batch",
    sql: "DROP TRIGGER logs_fts_insert;",
  },
  {
    // Record ids and trace ids are random: a B-tree on them takes each new row on a different page, and
    // a transaction writes every page it touched to the write-ahead log, so a full-width index on each
    // cost a page write per row (11-13 and 7-9 µs of the 35 µs a row cost). Each is now indexed by its
    // last 8 characters (random in a hash and in a W3C trace id, whose high half may be zero for
    // 64-bit tracers): a third of the entry size, so many more rows share a page. Lookups narrow on
    // the suffix and compare the whole value (`keyedEquals`, `keyedIn` in log-search.ts). The UNIQUE constraint on the
    // id goes with its index, so the table is rebuilt; seq values (the full-text rowids) are kept and
    // upserts look the id up themselves (storeRowsSync).
    name: "logs-005-suffix-keys",
    sql: `
      CREATE TABLE logs_next (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL,
        ts_ms INTEGER NOT NULL,
        service TEXT NOT NULL,
        severity_text TEXT NOT NULL,
        severity_number INTEGER NOT NULL,
        trace_id TEXT,
        message TEXT NOT NULL,
        doc TEXT NOT NULL,
        received_ms INTEGER,
        tenant_id TEXT GENERATED ALWAYS AS (json_extract(doc, '$.tenant_id')) VIRTUAL
      );
      INSERT INTO logs_next (seq, id, ts_ms, service, severity_text, severity_number, trace_id, message, doc, received_ms)
        SELECT seq, id, ts_ms, service, severity_text, severity_number, trace_id, message, doc, received_ms FROM logs ORDER BY seq;
      DROP TABLE logs;
      ALTER TABLE logs_next RENAME TO logs;
      CREATE INDEX logs_ts ON logs (ts_ms);
      CREATE INDEX logs_service_ts ON logs (service, ts_ms);
      CREATE INDEX logs_received ON logs (received_ms);
      CREATE INDEX logs_tenant_ts ON logs (tenant_id, ts_ms);
      CREATE INDEX logs_id_key ON logs (substr(id, -8));
      CREATE INDEX logs_trace_key ON logs (substr(trace_id, -8)) WHERE trace_id IS NOT NULL;
      ${FTS_CHANGE_TRIGGERS}
    `,
  },
  {
    // The trace-id suffix index was still a B-tree on random keys: past a few hundred thousand rows
    // nearly every new traced row dirtied one more of its pages, written to the write-ahead log at
    // commit and again at checkpoint (3 µs of a row's ~25 at 300k rows, growing with the table).
    // Trace ids now go to an FTS5 index instead: FTS5 writes each transaction's keys as one sorted
    // segment and merges segments in the background of later commits (a log-structured merge), so a
    // row costs the same however large the table. The key is one token: the value's last 8 characters
    // in hex, as many as logs-005 keeps of an id (hex() of any text is [0-9A-F], so an id of any shape
    // is a single token); lookups compare
    // the whole value (`traceKey`, `keyedEquals`, `keyedIn` in log-search.ts). Contentless with 'delete' commands
    // in the triggers: no copy of the value, no per-row size record. New rows enter it once per
    // batch, with the message index (storeRowsSync).
    name: "logs-006-trace-fts",
    sql: `
      DROP INDEX logs_trace_key;
      CREATE VIRTUAL TABLE logs_trace USING fts5 (trace_key, content = '', detail = 'none', columnsize = 0);
      INSERT INTO logs_trace (rowid, trace_key) SELECT seq, substr(hex(trace_id), -16) FROM logs WHERE trace_id IS NOT NULL;
      CREATE TRIGGER logs_trace_delete AFTER DELETE ON logs BEGIN
        INSERT INTO logs_trace (logs_trace, rowid, trace_key) SELECT 'delete', old.seq, substr(hex(old.trace_id), -16) WHERE old.trace_id IS NOT NULL;
      END;
      CREATE TRIGGER logs_trace_update AFTER UPDATE OF trace_id ON logs BEGIN
        INSERT INTO logs_trace (logs_trace, rowid, trace_key) SELECT 'delete', old.seq, substr(hex(old.trace_id), -16) WHERE old.trace_id IS NOT NULL;
        INSERT INTO logs_trace (rowid, trace_key) SELECT new.seq, substr(hex(new.trace_id), -16) WHERE new.trace_id IS NOT NULL;
      END;
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

/** Columns of one row as the upsert binds them: id, ts_ms, service, severity_text, severity_number, trace_id, message, doc, received_ms. */
export const LOG_ROW_WIDTH = 9;

/**
 * Rows of a batch, flat (`LOG_ROW_WIDTH` values per document): plain strings and numbers, cheap to
 * hand to the writer thread, and built where the documents are so the writer only binds them.
 * `receivedMs` (when the records were received) is what retention counts from; without it, each
 * document's own time. Throws, naming the field, on a timestamp that is not ISO-8601.
 */
export type LogRows = (string | number | null)[];

export function logRowsOf(docs: readonly LogDocument[], receivedMs?: number): LogRows {
  const rows: LogRows = new Array(docs.length * LOG_ROW_WIDTH);
  let at = 0;
  for (const doc of docs) {
    const tsMs = toMillis(doc["@timestamp"], "@timestamp");
    rows[at++] = doc.id;
    rows[at++] = tsMs;
    rows[at++] = doc.service;
    rows[at++] = doc.severity_text;
    rows[at++] = doc.severity_number;
    rows[at++] = doc.trace_id;
    rows[at++] = doc.message;
    rows[at++] = JSON.stringify(doc);
    rows[at++] = receivedMs ?? tsMs;
  }
  return rows;
}

export class SqliteLogStore implements LogStore, LogExplorer {
  private readonly findStatement;
  private readonly insertStatement;
  private readonly updateStatement;
  private readonly lastSeqStatement;
  private readonly indexTextStatement;
  private readonly indexTraceStatement;

  constructor(private readonly db: SqliteDatabase) {
    // Positional parameters: binding an object costs a property lookup per column and row.
    this.findStatement = db.prepare(`SELECT seq FROM logs WHERE ${keyedEquals("id", "?")}`).pluck();
    this.insertStatement = db.prepare(`
      INSERT INTO logs (id, ts_ms, service, severity_text, severity_number, trace_id, message, doc, received_ms)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
    `);
    // A document stored again replaces the stored one but keeps its first received time (and seq).
    this.updateStatement = db.prepare(`
      UPDATE logs SET ts_ms = ?, service = ?, severity_text = ?, severity_number = ?, trace_id = ?, message = ?, doc = ?
      WHERE seq = ?
    `);
    this.lastSeqStatement = db.prepare("SELECT coalesce(max(seq), 0) FROM logs").pluck();
    this.indexTextStatement = db.prepare("INSERT INTO logs_fts (rowid, message) SELECT seq, message FROM logs WHERE seq > ?");
    this.indexTraceStatement = db.prepare(`INSERT INTO logs_trace (rowid, trace_key) SELECT seq, ${traceKey("trace_id")} FROM logs WHERE seq > ? AND trace_id IS NOT NULL`);
  }

  /**
   * Stores a batch in one transaction, committed when it returns (tests, tools; local mode's sink
   * goes through a `LogWriter`). `receivedMs` (when the records were received) is what retention
   * counts from; without it, each document's own time. A document stored again keeps its first
   * received time; stored twice in one transaction, the last copy is stored.
   */
  indexSync(docs: readonly LogDocument[], receivedMs?: number): void {
    if (docs.length === 0) return;
    this.storeRowsSync([logRowsOf(docs, receivedMs)]);
  }

  /**
   * Stores rows built by `logRowsOf` (on any thread) in one transaction, committed when it returns.
   * A document in the row sets more than once is stored as its last copy.
   */
  storeRowsSync(rowSets: readonly LogRows[]): void {
    const unique = lastCopies(rowSets);
    this.db.transaction(() => {
      // Rows above this seq are new in this transaction: the full-text and trace indexes take them in one statement each.
      const lastSeq = this.lastSeqStatement.get() as number;
      for (const rows of unique) {
        for (let i = 0; i < rows.length; i += LOG_ROW_WIDTH) {
          const seq = this.findStatement.get(rows[i], rows[i]) as number | undefined;
          if (seq === undefined) {
            this.insertStatement.run(rows[i], rows[i + 1], rows[i + 2], rows[i + 3], rows[i + 4], rows[i + 5], rows[i + 6], rows[i + 7], rows[i + 8]);
          } else {
            this.updateStatement.run(rows[i + 1], rows[i + 2], rows[i + 3], rows[i + 4], rows[i + 5], rows[i + 6], rows[i + 7], seq);
          }
        }
      }
      this.indexTextStatement.run(lastSeq);
      this.indexTraceStatement.run(lastSeq);
      // IMMEDIATE: the write lock is taken (waiting for it if need be) before the first read. A deferred
      // transaction that read first could not take it after another connection's commit (the writer
      // thread's or the event loop's): SQLite answers "database is locked" at once instead of waiting.
    }).immediate();
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
    addInList(where, params, "trace_id", "trace", query.traceIds);
    addInList(where, params, "id", "id", query.ids);
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

  async page(search: LogSearch): Promise<LogPage> {
    return this.pageSync(search);
  }

  /** Keyset paging on (timestamp, seq): a page never skips or repeats a record while others arrive. */
  pageSync(search: LogSearch): LogPage {
    const order = search.order === "asc" ? "ASC" : "DESC";
    const position = search.cursor ? decodeCursor(search.cursor, search.order) : null;
    const filter = sqlFilterOf(search);
    if (!filter) return { logs: [], total: 0, nextCursor: null };
    const whereAll = filter.where.length > 0 ? `WHERE ${filter.where.join(" AND ")}` : "";
    const total = (this.db.prepare(`SELECT count(*) AS n FROM ${filter.from} ${whereAll}`).get(filter.params) as { n: number }).n;
    const params = { ...filter.params, limit: Math.max(1, Math.min(search.limit, MAX_LOG_RESULTS)) };
    const where = position ? [...filter.where, cursorCondition(position, params)] : filter.where;
    const rows = this.db
      .prepare(
        `SELECT logs.doc AS doc, logs.ts_ms AS ts, logs.seq AS seq FROM ${filter.from}
         ${where.length > 0 ? `WHERE ${where.join(" AND ")}` : ""}
         ORDER BY logs.ts_ms ${order}, logs.seq ${order} LIMIT @limit`,
      )
      .all(params) as { doc: string; ts: number; seq: number }[];
    const last = rows[rows.length - 1];
    // One more probe is cheaper than a second count: is there anything after the last row?
    let more = false;
    if (last && rows.length === params.limit) {
      const probe = { ...filter.params };
      const cond = cursorCondition({ order: search.order, ts: last.ts, seq: last.seq }, probe);
      more = this.db.prepare(`SELECT 1 FROM ${filter.from} WHERE ${[...filter.where, cond].join(" AND ")} LIMIT 1`).get(probe) !== undefined;
    }
    return {
      logs: rows.map((row) => JSON.parse(row.doc) as LogDocument),
      total,
      nextCursor: more && last ? encodeCursor({ order: search.order, ts: last.ts, seq: last.seq }) : null,
    };
  }

  async context(tenant: string, id: string, before: number, after: number): Promise<LogContext | null> {
    const row = this.db.prepare(`SELECT doc, ts_ms AS ts, seq, service FROM logs WHERE ${keyedEquals("id", "@id")} AND tenant_id = @tenant`).get({ id, tenant }) as
      | { doc: string; ts: number; seq: number; service: string }
      | undefined;
    if (!row) return null;
    const around = (cmp: "<" | ">", order: "ASC" | "DESC", n: number): LogDocument[] => {
      if (n === 0) return [];
      const rows = this.db
        .prepare(
          `SELECT doc FROM logs WHERE tenant_id = @tenant AND service = @service
             AND (ts_ms ${cmp} @ts OR (ts_ms = @ts AND seq ${cmp} @seq))
           ORDER BY ts_ms ${order}, seq ${order} LIMIT @n`,
        )
        .all({ tenant, service: row.service, ts: row.ts, seq: row.seq, n }) as { doc: string }[];
      return rows.map((r) => JSON.parse(r.doc) as LogDocument);
    };
    return {
      record: JSON.parse(row.doc) as LogDocument,
      before: around("<", "DESC", before).reverse(),
      after: around(">", "ASC", after),
    };
  }

  async histogram(search: LogSearch & { from: string; to: string }, bucketMs: number): Promise<LogVolumeBucket[]> {
    const fromMs = toMillis(search.from, "from");
    const toMs = toMillis(search.to, "to");
    const bucket = Math.max(1, Math.floor(bucketMs));
    const first = Math.floor(fromMs / bucket) * bucket;
    const count = Math.floor((toMs - first) / bucket) + 1;
    const series: LogVolumeBucket[] = Array.from({ length: Math.max(count, 0) }, (_, i) => ({ at: new Date(first + i * bucket).toISOString(), total: 0, errors: 0 }));
    const filter = sqlFilterOf(search);
    if (!filter) return series;
    const rows = this.db
      .prepare(
        `SELECT (logs.ts_ms / CAST(@bucket AS INTEGER)) * CAST(@bucket AS INTEGER) AS b, count(*) AS total,
           sum(logs.severity_text IN ('error', 'fatal')) AS errors
         FROM ${filter.from} WHERE ${filter.where.join(" AND ")} GROUP BY b`,
      )
      .all({ ...filter.params, bucket }) as { b: number; total: number; errors: number }[];
    for (const row of rows) {
      const slot = series[Math.round((row.b - first) / bucket)];
      if (slot) {
        slot.total = row.total;
        slot.errors = row.errors;
      }
    }
    return series;
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

/**
 * The row sets without the earlier copies of a document stored twice among them. A copy inserted and
 * then updated in one transaction would be updated before the full-text index has its row, and the
 * update trigger would delete text the index never held (which corrupts an external-content index).
 */
function lastCopies(rowSets: readonly LogRows[]): readonly LogRows[] {
  const last = new Map<string | number | null, number>();
  let at = 0;
  for (const rows of rowSets) {
    for (let i = 0; i < rows.length; i += LOG_ROW_WIDTH) last.set(rows[i]!, at++);
  }
  if (last.size === at) return rowSets;
  at = 0;
  return rowSets.map((rows) => {
    const kept: LogRows = [];
    for (let i = 0; i < rows.length; i += LOG_ROW_WIDTH, at++) {
      if (last.get(rows[i]!) === at) for (let k = i; k < i + LOG_ROW_WIDTH; k++) kept.push(rows[k]!);
    }
    return kept;
  });
}

function addInList(
  where: string[],
  params: Record<string, string | number>,
  column: KeyedColumn,
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
  where.push(keyedIn(column, names));
}
