import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { expect, it } from "vitest";
import { openSqliteTicketStore } from "../../../runtime/store/sqlite/tickets";
import { describeTicketStoreContract } from "./store-contract";

describeTicketStoreContract("SQLite", async () => openSqliteTicketStore(mkdtempSync(join(tmpdir(), "logclaw-store-"))));

it("polls the outbox without waiting for another connection's write lock while nothing is due (local mode's log writer thread)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "logclaw-store-"));
  const store = openSqliteTicketStore(dir);
  const other = new Database(join(dir, "logclaw.db"));
  try {
    other.pragma("busy_timeout = 0");
    other.exec("BEGIN IMMEDIATE");
    const started = Date.now();
    expect(await store.claimDue("local", "agent", "2026-01-01T00:00:00.000Z", "2026-01-01T00:01:00.000Z", 10)).toEqual([]);
    // Taking the write lock would have waited the store's busy timeout (10 s), then failed.
    expect(Date.now() - started).toBeLessThan(5_000);
    other.exec("COMMIT");
  } finally {
    other.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
