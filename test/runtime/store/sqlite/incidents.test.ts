import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDatabase, type SqliteDatabase } from "../../../../runtime/store/sqlite/database";
import { INCIDENT_MIGRATIONS, SqliteIncidentStore } from "../../../../runtime/store/sqlite/incidents";
import type { Incident } from "../../../../contracts/records";

function incident(id: string, detectedAt: string, status: Incident["status"] = "open"): Incident {
  return {
    id,
    fingerprint: `fp-${id}`,
    tenant: "local",
    service: "checkout",
    rootCauseService: "payments",
    affectedServices: ["checkout"],
    severity: "high",
    score: 0.8,
    path: "immediate",
    signals: [{ name: "dependency", weight: 0.6, phrase: "connection refused" }],
    firstSeen: detectedAt,
    detectedAt,
    lastSeen: detectedAt,
    traceIds: [],
    sampleLogIds: ["l1"],
    timeline: [],
    status,
    title: "payments connection refused",
    family: "dependency",
    templateId: "t1",
    template: "connection refused to <*>",
    occurrences: 1,
    resolvedAt: null,
  };
}

describe("SqliteIncidentStore", () => {
  let dir: string;
  let db: SqliteDatabase;
  let store: SqliteIncidentStore;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "logclaw-incidents-"));
    db = openDatabase(dir, INCIDENT_MIGRATIONS);
    store = new SqliteIncidentStore(db);
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("lists newest detectedAt first, filters by since and caps the limit", async () => {
    await store.upsert(incident("a", "2026-01-01T00:00:00Z"));
    await store.upsert(incident("b", "2026-01-03T00:00:00Z"));
    await store.upsert(incident("c", "2026-01-02T00:00:00Z"));
    expect((await store.list({})).map((i) => i.id)).toEqual(["b", "c", "a"]);
    expect((await store.list({ since: "2026-01-02T00:00:00Z" })).map((i) => i.id)).toEqual(["b", "c"]);
    expect((await store.list({ limit: 1 })).map((i) => i.id)).toEqual(["b"]);
  });

  it("replaces by id and returns the whole incident", async () => {
    await store.upsert(incident("a", "2026-01-01T00:00:00Z"));
    const resolved = { ...incident("a", "2026-01-01T00:00:00Z", "resolved"), resolvedAt: "2026-01-01T00:10:00Z" };
    await store.upsert(resolved);
    expect(store.count()).toBe(1);
    expect(await store.get("a")).toEqual(resolved);
    expect(await store.get("missing")).toBeNull();
  });

  it("deletes incidents last seen before the retention cutoff", async () => {
    await store.upsert(incident("old", "2026-01-01T00:00:00Z"));
    await store.upsert(incident("new", "2026-01-09T00:00:00Z"));
    expect(store.deleteOlderThan("2026-01-05T00:00:00Z")).toBe(1);
    expect((await store.list({})).map((i) => i.id)).toEqual(["new"]);
  });
});
