import { randomUUID } from "node:crypto";
import { commentItemId, commentPayload, decideTicketEvent, ticketId } from "../../ports/ticket-decision";
import type { TicketStore } from "../../ports/ticket-store";
import type {
  ClaimedItem,
  DeliveredResult,
  OutboxItem,
  OutboxQuery,
  OutboxStatus,
  RecordCommentInput,
  RecordCommentResult,
  RecordEventInput,
  RecordEventResult,
  RootCauseAnalysis,
  TicketQuery,
  TicketRecord,
  TicketTarget,
} from "../../../contracts/tickets";
import type { IncidentSeverity } from "../../../contracts/records";
import { openDatabase, type Migration, type SqliteDatabase } from "./database";

export const TICKET_MIGRATIONS: readonly Migration[] = [
  {
    name: "tickets-001-tables",
    sql: `
      CREATE TABLE tickets (
        id TEXT PRIMARY KEY,
        tenant TEXT NOT NULL,
        platform TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        incident_id TEXT NOT NULL,
        status TEXT NOT NULL,
        external_id TEXT,
        external_url TEXT,
        occurrences INTEGER NOT NULL,
        severity TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        last_error TEXT,
        last_event_key TEXT NOT NULL
      );
      CREATE INDEX tickets_incident ON tickets (tenant, incident_id);
      CREATE INDEX tickets_fingerprint ON tickets (tenant, fingerprint);
      CREATE TABLE ticket_outbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        tenant TEXT NOT NULL,
        ticket_id TEXT NOT NULL,
        platform TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        action TEXT NOT NULL,
        payload TEXT NOT NULL,
        external_id TEXT,
        status TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT NOT NULL,
        last_error TEXT,
        lease_owner TEXT,
        lease_until TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE INDEX ticket_outbox_due ON ticket_outbox (status, next_attempt_at);
      CREATE INDEX ticket_outbox_ticket ON ticket_outbox (ticket_id, status, seq);
      CREATE TABLE ticket_analyses (
        tenant TEXT NOT NULL,
        incident_id TEXT NOT NULL,
        rca TEXT NOT NULL,
        PRIMARY KEY (tenant, incident_id)
      );
    `,
  },
];

interface TicketRow {
  id: string;
  tenant: string;
  platform: string;
  fingerprint: string;
  incident_id: string;
  status: string;
  external_id: string | null;
  external_url: string | null;
  occurrences: number;
  severity: string;
  created_at: string;
  updated_at: string;
  last_error: string | null;
  last_event_key: string;
}

interface OutboxRow {
  seq: number;
  id: string;
  tenant: string;
  ticket_id: string;
  platform: string;
  fingerprint: string;
  action: string;
  payload: string;
  external_id: string | null;
  status: string;
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

function toTicket(row: TicketRow): TicketRecord {
  return {
    id: row.id,
    tenant: row.tenant,
    platform: row.platform as TicketTarget,
    fingerprint: row.fingerprint,
    incidentId: row.incident_id,
    status: row.status as TicketRecord["status"],
    externalId: row.external_id,
    externalUrl: row.external_url,
    occurrences: row.occurrences,
    severity: row.severity as IncidentSeverity,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    lastError: row.last_error,
    lastEventKey: row.last_event_key,
  };
}

function toItem(row: OutboxRow): OutboxItem {
  return {
    id: row.id,
    seq: row.seq,
    tenant: row.tenant,
    ticketId: row.ticket_id,
    platform: row.platform as TicketTarget,
    fingerprint: row.fingerprint,
    action: row.action as OutboxItem["action"],
    payload: JSON.parse(row.payload) as OutboxItem["payload"],
    externalId: row.external_id,
    status: row.status as OutboxStatus,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    lastError: row.last_error,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/**
 * An outbox item ready to be claimed by `@tenant` at `@now`: pending, due and not leased. Unqualified,
 * so it reads the one outbox table of the query it is placed in (the claim's outer `o`).
 */
const DUE = "tenant = @tenant AND status = 'pending' AND next_attempt_at <= @now AND (lease_until IS NULL OR lease_until <= @now)";

/**
 * {@link TicketStore} on the embedded SQLite store. Every read-decide-write runs in a BEGIN IMMEDIATE
 * transaction: it takes SQLite's write lock before reading, so two processes sharing the data
 * directory serialize on the lock and the second one sees the first one's ticket.
 */
export class SqliteTicketStore implements TicketStore {
  constructor(private readonly db: SqliteDatabase) {}

  async recordEvent(input: RecordEventInput): Promise<RecordEventResult> {
    const id = ticketId(input.tenant, input.platform, input.incident.fingerprint);
    return this.db
      .transaction((): RecordEventResult => {
        const row = this.db.prepare("SELECT * FROM tickets WHERE id = ?").get(id) as TicketRow | undefined;
        const decision = decideTicketEvent(row ? toTicket(row) : null, input);
        if (!decision.enqueue || !decision.ticket) return decision.result;
        const t = decision.ticket;
        this.db
          .prepare(
            `INSERT INTO tickets (id, tenant, platform, fingerprint, incident_id, status, external_id, external_url,
               occurrences, severity, created_at, updated_at, last_error, last_event_key)
             VALUES (@id, @tenant, @platform, @fingerprint, @incidentId, @status, @externalId, @externalUrl,
               @occurrences, @severity, @createdAt, @updatedAt, @lastError, @lastEventKey)
             ON CONFLICT (id) DO UPDATE SET incident_id = excluded.incident_id, status = excluded.status,
               external_id = excluded.external_id, external_url = excluded.external_url,
               occurrences = excluded.occurrences, severity = excluded.severity, created_at = excluded.created_at,
               updated_at = excluded.updated_at, last_error = excluded.last_error,
               last_event_key = excluded.last_event_key`,
          )
          .run(t);
        this.db
          .prepare(
            `INSERT INTO ticket_outbox (id, tenant, ticket_id, platform, fingerprint, action, payload, external_id,
               status, attempts, next_attempt_at, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?)`,
          )
          .run(
            randomUUID(),
            t.tenant,
            t.id,
            t.platform,
            t.fingerprint,
            decision.enqueue.action,
            JSON.stringify(decision.enqueue.payload),
            decision.enqueue.action === "create" ? null : t.externalId,
            input.now,
            input.now,
            input.now,
          );
        return decision.result;
      })
      .immediate();
  }

  async recordComment(input: RecordCommentInput): Promise<RecordCommentResult> {
    const id = ticketId(input.tenant, input.platform, input.incident.fingerprint);
    return this.db
      .transaction((): RecordCommentResult => {
        const row = this.db.prepare("SELECT * FROM tickets WHERE id = ?").get(id) as TicketRow | undefined;
        const ticket = row ? toTicket(row) : null;
        const payload = commentPayload(ticket, input);
        if (!ticket || !payload) return { ticket, outcome: "no_ticket" };
        // The item id is derived from the action key: a second enqueue of the same action is ignored.
        const inserted = this.db
          .prepare(
            `INSERT OR IGNORE INTO ticket_outbox (id, tenant, ticket_id, platform, fingerprint, action, payload, external_id,
               status, attempts, next_attempt_at, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, 'comment', ?, ?, 'pending', 0, ?, ?, ?)`,
          )
          .run(
            commentItemId(id, input.comment.key),
            ticket.tenant,
            id,
            ticket.platform,
            ticket.fingerprint,
            JSON.stringify(payload),
            ticket.externalId,
            input.now,
            input.now,
            input.now,
          );
        return { ticket, outcome: inserted.changes === 1 ? "commented" : "duplicate_comment" };
      })
      .immediate();
  }

  async claimDue(tenant: string, owner: string, now: string, leaseUntil: string, limit: number): Promise<ClaimedItem[]> {
    // A read first: the claim's IMMEDIATE transaction waits for the write lock, which the log writer
    // thread holds for a whole batch in local mode, and the event loop would stall on it every poll.
    const due = this.db.prepare(`SELECT 1 FROM ticket_outbox WHERE ${DUE} LIMIT 1`).get({ tenant, now });
    if (due === undefined) return [];
    return this.db
      .transaction((): ClaimedItem[] => {
        const rows = this.db
          .prepare(
            `SELECT o.* FROM ticket_outbox o
             WHERE ${DUE}
               AND NOT EXISTS (SELECT 1 FROM ticket_outbox p
                               WHERE p.ticket_id = o.ticket_id AND p.status = 'pending' AND p.seq < o.seq)
             ORDER BY o.seq LIMIT @limit`,
          )
          .all({ tenant, now, limit }) as OutboxRow[];
        const lease = this.db.prepare("UPDATE ticket_outbox SET lease_owner = ?, lease_until = ? WHERE id = ?");
        const ticketOf = this.db.prepare("SELECT * FROM tickets WHERE id = ?");
        return rows.map((row) => {
          lease.run(owner, leaseUntil, row.id);
          return { item: toItem(row), ticket: toTicket(ticketOf.get(row.ticket_id) as TicketRow) };
        });
      })
      .immediate();
  }

  async markDelivered(itemId: string, owner: string, result: DeliveredResult, now: string): Promise<void> {
    this.db
      .transaction(() => {
        const row = this.leased(itemId, owner);
        if (!row) return;
        this.db
          .prepare(
            `UPDATE ticket_outbox SET status = 'delivered', attempts = attempts + 1, last_error = NULL,
               lease_owner = NULL, lease_until = NULL, updated_at = ?,
               external_id = COALESCE(external_id, ?) WHERE id = ?`,
          )
          .run(now, result.externalId ?? null, itemId);
        if (row.action !== "create") return;
        this.db
          .prepare(
            `UPDATE tickets SET external_id = ?, external_url = ?, last_error = NULL, updated_at = ?,
               status = CASE WHEN status = 'pending' THEN 'open' ELSE status END WHERE id = ?`,
          )
          .run(result.externalId ?? null, result.externalUrl ?? null, now, row.ticket_id);
        // Later items of this generation were enqueued before the platform id was known.
        this.db
          .prepare(
            `UPDATE ticket_outbox SET external_id = ?
             WHERE ticket_id = ? AND status = 'pending' AND external_id IS NULL AND seq > ?
               AND seq < COALESCE((SELECT MIN(seq) FROM ticket_outbox
                                   WHERE ticket_id = ? AND action = 'create' AND seq > ?), 9223372036854775807)`,
          )
          .run(result.externalId ?? null, row.ticket_id, row.seq, row.ticket_id, row.seq);
      })
      .immediate();
  }

  async markRetry(itemId: string, owner: string, nextAttemptAt: string, error: string, now: string): Promise<void> {
    this.db
      .prepare(
        `UPDATE ticket_outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ?, lease_owner = NULL,
           lease_until = NULL, updated_at = ? WHERE id = ? AND lease_owner = ? AND status = 'pending'`,
      )
      .run(nextAttemptAt, error, now, itemId, owner);
  }

  async markFailed(itemId: string, owner: string, error: string, now: string): Promise<void> {
    this.db
      .transaction(() => {
        const row = this.leased(itemId, owner);
        if (!row) return;
        this.db
          .prepare(
            `UPDATE ticket_outbox SET status = 'failed', attempts = attempts + 1, last_error = ?, lease_owner = NULL,
               lease_until = NULL, updated_at = ? WHERE id = ?`,
          )
          .run(error, now, itemId);
        if (row.action !== "create") return;
        this.db
          .prepare("UPDATE tickets SET status = 'failed', last_error = ?, updated_at = ? WHERE id = ? AND status <> 'resolved'")
          .run(error, now, row.ticket_id);
        this.db
          .prepare(
            `UPDATE ticket_outbox SET status = 'failed', last_error = ?, updated_at = ?
             WHERE ticket_id = ? AND status = 'pending' AND seq > ? AND action <> 'create'
               AND seq < COALESCE((SELECT MIN(seq) FROM ticket_outbox
                                   WHERE ticket_id = ? AND action = 'create' AND seq > ?), 9223372036854775807)`,
          )
          .run(`create failed: ${error}`, now, row.ticket_id, row.seq, row.ticket_id, row.seq);
      })
      .immediate();
  }

  async listTickets(tenant: string, query: TicketQuery): Promise<TicketRecord[]> {
    const clauses = ["tenant = @tenant"];
    if (query.incidentId !== undefined) clauses.push("incident_id = @incidentId");
    if (query.fingerprint !== undefined) clauses.push("fingerprint = @fingerprint");
    if (query.status !== undefined) clauses.push("status = @status");
    const rows = this.db
      .prepare(`SELECT * FROM tickets WHERE ${clauses.join(" AND ")} ORDER BY updated_at DESC, id LIMIT @limit`)
      .all({ ...query, tenant, limit: Math.min(query.limit ?? 100, 1000) }) as TicketRow[];
    return rows.map(toTicket);
  }

  async listOutbox(tenant: string, query: OutboxQuery): Promise<OutboxItem[]> {
    const status = query.status === undefined ? "" : "AND status = @status";
    const rows = this.db
      .prepare(`SELECT * FROM ticket_outbox WHERE tenant = @tenant ${status} ORDER BY seq LIMIT @limit`)
      .all({ tenant, status: query.status, limit: Math.min(query.limit ?? 100, 1000) }) as OutboxRow[];
    return rows.map(toItem);
  }

  async countOutbox(tenant: string): Promise<Record<OutboxStatus, number>> {
    const counts: Record<OutboxStatus, number> = { pending: 0, delivered: 0, failed: 0 };
    const rows = this.db
      .prepare("SELECT status, COUNT(*) AS n FROM ticket_outbox WHERE tenant = ? GROUP BY status")
      .all(tenant) as { status: OutboxStatus; n: number }[];
    for (const row of rows) counts[row.status] = row.n;
    return counts;
  }

  async saveAnalysis(tenant: string, incidentId: string, rca: RootCauseAnalysis): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO ticket_analyses (tenant, incident_id, rca) VALUES (?, ?, ?)
         ON CONFLICT (tenant, incident_id) DO UPDATE SET rca = excluded.rca`,
      )
      .run(tenant, incidentId, JSON.stringify(rca));
  }

  async getAnalysis(tenant: string, incidentId: string): Promise<RootCauseAnalysis | null> {
    const row = this.db
      .prepare("SELECT rca FROM ticket_analyses WHERE tenant = ? AND incident_id = ?")
      .get(tenant, incidentId) as { rca: string } | undefined;
    return row ? (JSON.parse(row.rca) as RootCauseAnalysis) : null;
  }

  async close(): Promise<void> {
    this.db.close();
  }

  private leased(itemId: string, owner: string): OutboxRow | undefined {
    return this.db
      .prepare("SELECT * FROM ticket_outbox WHERE id = ? AND lease_owner = ? AND status = 'pending'")
      .get(itemId, owner) as OutboxRow | undefined;
  }
}

/** Opens the embedded store in `dataDir` with the ticket tables. */
export function openSqliteTicketStore(dataDir: string): SqliteTicketStore {
  return new SqliteTicketStore(openDatabase(dataDir, TICKET_MIGRATIONS));
}
