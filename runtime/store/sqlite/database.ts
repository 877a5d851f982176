import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { join } from "node:path";

export type SqliteDatabase = Database.Database;

/** A named schema step; applied once per database, in order, inside a transaction. */
export interface Migration {
  name: string;
  sql: string;
}

/**
 * Opens (creating if needed) the embedded store `logclaw.db` in `dataDir`. WAL lets readers run
 * beside the single writer, and SQLite's file locks serialize writers from several processes;
 * the busy timeout makes a second process wait for the lock instead of failing at once.
 *
 * Durability: with WAL and `synchronous = NORMAL` a commit is in the write-ahead log (the OS's page
 * cache) when it returns, not yet fsynced. A crash or kill of LogClaw loses nothing committed (the
 * log is replayed at the next open); a power loss or kernel crash can lose the last commits, never
 * corrupt the file. `FULL` would add an fsync per commit, the cost of a disk flush per request.
 */
export function openDatabase(dataDir: string, migrations: readonly Migration[]): SqliteDatabase {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(join(dataDir, "logclaw.db"));
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  // An upsert may need to undo a half-done statement: its statement journal then lives in memory
  // instead of a temporary file written and read back through the kernel for every row.
  db.pragma("temp_store = MEMORY");
  // The committing connection copies the write-ahead log into the database file once it holds this
  // many pages (SQLite's default: 1,000, 4 MB), and that copy is the only fsync with synchronous =
  // NORMAL. A page written by many commits in between (an index's right edge, a full-text segment
  // being merged) is copied once per checkpoint: at 10,000 pages (40 MB of log, kept on disk and
  // reused) the log writer spends about 10 % less CPU per row and waits on far fewer fsyncs.
  db.pragma("wal_autocheckpoint = 10000");
  db.pragma("busy_timeout = 10000");
  db.pragma("foreign_keys = ON");
  applyMigrations(db, migrations);
  return db;
}

export function applyMigrations(db: SqliteDatabase, migrations: readonly Migration[]): void {
  db.exec("CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)");
  const applied = db.prepare("SELECT 1 FROM schema_migrations WHERE name = ?");
  const record = db.prepare("INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)");
  for (const migration of migrations) {
    // IMMEDIATE takes the write lock first, so two processes starting together cannot both apply a step.
    db.transaction(() => {
      if (applied.get(migration.name)) return;
      db.exec(migration.sql);
      record.run(migration.name, new Date().toISOString());
    }).immediate();
  }
}

/** Bytes the database file holds (pages in use or free), without the write-ahead log: cheap, no scan. */
export function databaseBytes(db: SqliteDatabase): number {
  return Number(db.pragma("page_count", { simple: true })) * Number(db.pragma("page_size", { simple: true }));
}
