import type { Client } from "@opensearch-project/opensearch";
import { commentPayload, decideTicketEvent, ticketId } from "../../ports/ticket-decision";
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
} from "../../../contracts/tickets";
import { TICKETS_INDEX } from "../../../contracts/opensearch/index-names";
import { createIndexIfMissing, statusOf } from "./errors";

/*
 * Tickets, finished outbox items and analyses share the one index the tenant's ticketing role may
 * write (TICKETS_INDEX, ARCHITECTURE.md), told apart by `kind` and an id prefix.
 */

type Kind = "ticket" | "outbox" | "analysis";

const outboxDocId = (itemId: string) => `outbox:${itemId}`;
const analysisDocId = (tenant: string, incidentId: string) => `analysis:${tenant}:${incidentId}`;

/**
 * A ticket document holds the ticket and its pending outbox items (`queue`), so every
 * read-decide-write is a single-document write guarded by optimistic concurrency: `op_type=create`
 * on the fingerprint-derived id for a new ticket, `if_seq_no`/`if_primary_term` for a change. Two
 * replicas racing on one fingerprint: one write wins, the other gets 409, re-reads and sees the
 * ticket. `dueAt`/`lease*` make the head of the queue claimable with the same guard.
 */
interface TicketDoc extends TicketRecord {
  queue: OutboxItem[];
  nextSeq: number;
  /** When the head of the queue is due; null when the queue is empty. */
  dueAt: string | null;
  leaseOwner: string | null;
  leaseUntil: string | null;
  /** Keys of the workflow comments enqueued (newest last, bounded): an action is enqueued once. */
  commentKeys?: string[];
}

/** Far more workflow actions than one ticket sees; bounds the document. */
const MAX_COMMENT_KEYS = 500;

interface Versioned {
  doc: TicketDoc;
  seqNo: number;
  primaryTerm: number;
}

const MAX_CONFLICT_RETRIES = 20;

const keyword = { type: "keyword" } as const;
const date = { type: "date" } as const;

export const ticketsIndexBody: Record<string, unknown> = {
  mappings: {
    // Payloads (incident, RCA) are stored, not indexed: only these fields are queried.
    dynamic: false,
    properties: {
      kind: keyword,
      id: keyword,
      tenant: keyword,
      platform: keyword,
      fingerprint: keyword,
      incidentId: keyword,
      ticketId: keyword,
      status: keyword,
      createdAt: date,
      updatedAt: date,
      dueAt: date,
      leaseUntil: date,
      queueLength: { type: "integer" },
    },
  },
};

/** Creates the index when missing (see {@link createIndexIfMissing}). */
export async function ensureTicketIndices(client: Client): Promise<void> {
  await createIndexIfMissing(() => client.indices.create({ index: TICKETS_INDEX, body: ticketsIndexBody }));
}

const ofKind = (kind: Kind) => ({ term: { kind } });

function toRecord(doc: TicketDoc): TicketRecord {
  const { queue: _q, nextSeq: _n, dueAt: _d, leaseOwner: _o, leaseUntil: _u, commentKeys: _k, ...record } = doc;
  return record;
}

/** A new outbox item at the end of a ticket's queue, due now. */
function pendingItem(
  ticket: Pick<OutboxItem, "tenant" | "platform" | "fingerprint"> & { id: string },
  seq: number,
  action: OutboxItem["action"],
  payload: OutboxItem["payload"],
  externalId: OutboxItem["externalId"],
  now: OutboxItem["createdAt"],
): OutboxItem {
  return {
    id: `${ticket.id}#${seq}`,
    seq,
    tenant: ticket.tenant,
    ticketId: ticket.id,
    platform: ticket.platform,
    fingerprint: ticket.fingerprint,
    action,
    payload,
    externalId,
    status: "pending",
    attempts: 0,
    nextAttemptAt: now,
    lastError: null,
    createdAt: now,
    updatedAt: now,
  };
}

function withQueue(doc: TicketDoc, queue: OutboxItem[]): TicketDoc {
  return { ...doc, queue, dueAt: queue[0]?.nextAttemptAt ?? null };
}

class ConflictError extends Error {}

/** {@link TicketStore} on the tenant's OpenSearch cluster. */
export class OpenSearchTicketStore implements TicketStore {
  constructor(private readonly client: Client) {}

  private async read(id: string): Promise<Versioned | null> {
    try {
      const response = await this.client.get({ index: TICKETS_INDEX, id });
      if (!response.body.found) return null;
      return {
        doc: response.body._source as unknown as TicketDoc,
        seqNo: response.body._seq_no as number,
        primaryTerm: response.body._primary_term as number,
      };
    } catch (err) {
      if (statusOf(err) === 404) return null;
      throw err;
    }
  }

  /** Writes a ticket document guarded by its version; throws {@link ConflictError} when another writer won. */
  private async write(doc: TicketDoc, version: Versioned | null): Promise<void> {
    const body = { ...doc, kind: "ticket", queueLength: doc.queue.length } as unknown as Record<string, unknown>;
    try {
      await this.client.index({
        index: TICKETS_INDEX,
        id: doc.id,
        body,
        // Ticket traffic is incident-rate, not log-rate: refreshing keeps claims and lists current.
        refresh: true,
        ...(version ? { if_seq_no: version.seqNo, if_primary_term: version.primaryTerm } : { op_type: "create" as const }),
      });
    } catch (err) {
      if (statusOf(err) === 409) throw new ConflictError(doc.id);
      throw err;
    }
  }

  /** Read-modify-write with optimistic concurrency; `change` returns null to write nothing. */
  private async update<T>(id: string, change: (current: Versioned | null) => { doc: TicketDoc | null; result: T }): Promise<T> {
    for (let attempt = 0; attempt < MAX_CONFLICT_RETRIES; attempt++) {
      const current = await this.read(id);
      const { doc, result } = change(current);
      if (!doc) return result;
      try {
        await this.write(doc, current);
        return result;
      } catch (err) {
        if (!(err instanceof ConflictError)) throw err;
      }
    }
    throw new Error(`ticket ${id}: gave up after ${MAX_CONFLICT_RETRIES} concurrent-write conflicts`);
  }

  async recordEvent(input: RecordEventInput): Promise<RecordEventResult> {
    return this.update(ticketId(input.tenant, input.platform, input.incident.fingerprint), (current) => {
      const decision = decideTicketEvent(current ? toRecord(current.doc) : null, input);
      if (!decision.enqueue || !decision.ticket) return { doc: null, result: decision.result };
      const t = decision.ticket;
      const seq = current?.doc.nextSeq ?? 1;
      const commentKeys = current?.doc.commentKeys ?? [];
      const item = pendingItem(t, seq, decision.enqueue.action, decision.enqueue.payload, decision.enqueue.action === "create" ? null : t.externalId, input.now);
      const doc = withQueue(
        { ...t, queue: [], nextSeq: seq + 1, dueAt: null, leaseOwner: current?.doc.leaseOwner ?? null, leaseUntil: current?.doc.leaseUntil ?? null, commentKeys },
        [...(current?.doc.queue ?? []), item],
      );
      return { doc, result: decision.result };
    });
  }

  async recordComment(input: RecordCommentInput): Promise<RecordCommentResult> {
    return this.update<RecordCommentResult>(ticketId(input.tenant, input.platform, input.incident.fingerprint), (current) => {
      const ticket = current ? toRecord(current.doc) : null;
      const payload = commentPayload(ticket, input);
      if (!current || !ticket || !payload) return { doc: null, result: { ticket, outcome: "no_ticket" } };
      const keys = current.doc.commentKeys ?? [];
      if (keys.includes(input.comment.key)) return { doc: null, result: { ticket, outcome: "duplicate_comment" } };
      const seq = current.doc.nextSeq;
      const item = pendingItem(ticket, seq, "comment", payload, ticket.externalId, input.now);
      const doc = withQueue(
        { ...current.doc, nextSeq: seq + 1, commentKeys: [...keys, input.comment.key].slice(-MAX_COMMENT_KEYS) },
        [...current.doc.queue, item],
      );
      return { doc, result: { ticket, outcome: "commented" } };
    });
  }

  async claimDue(tenant: string, owner: string, now: string, leaseUntil: string, limit: number): Promise<ClaimedItem[]> {
    const response = await this.client.search({
      index: TICKETS_INDEX,
      body: {
        size: limit,
        sort: [{ dueAt: { order: "asc" } }],
        query: {
          bool: {
            filter: [ofKind("ticket"), { term: { tenant } }, { range: { dueAt: { lte: now } } }],
            should: [{ bool: { must_not: { exists: { field: "leaseUntil" } } } }, { range: { leaseUntil: { lte: now } } }],
            minimum_should_match: 1,
          },
        },
      },
    });
    const claimed: ClaimedItem[] = [];
    for (const hit of response.body.hits.hits ?? []) {
      const id = hit._id as string;
      const current = await this.read(id);
      if (!current) continue;
      const head = current.doc.queue[0];
      const free = !current.doc.leaseUntil || current.doc.leaseUntil <= now;
      if (!head || head.nextAttemptAt > now || !free) continue;
      try {
        await this.write({ ...current.doc, leaseOwner: owner, leaseUntil }, current);
        claimed.push({ item: head, ticket: toRecord(current.doc) });
      } catch (err) {
        // Another replica claimed or changed it first: it is theirs this round.
        if (!(err instanceof ConflictError)) throw err;
      }
    }
    return claimed;
  }

  /** Applies `finish` to the leased head item; a stale owner (lease lost) changes nothing. */
  private finishHead(
    itemId: string,
    owner: string,
    finish: (doc: TicketDoc, head: OutboxItem) => { doc: TicketDoc; finished: OutboxItem[] },
  ): Promise<void> {
    const ticketId = itemId.slice(0, itemId.lastIndexOf("#"));
    return this.update(ticketId, (current) => {
      const head = current?.doc.queue[0];
      if (!current || !head || head.id !== itemId || current.doc.leaseOwner !== owner) return { doc: null, result: [] as OutboxItem[] };
      const { doc, finished } = finish(current.doc, head);
      return { doc: { ...doc, leaseOwner: null, leaseUntil: null }, result: finished };
    }).then(async (finished) => {
      // Audit after the ticket write: a crash in between re-delivers the item rather than losing it.
      for (const item of finished) {
        await this.client.index({
          index: TICKETS_INDEX,
          id: outboxDocId(item.id),
          body: { ...item, kind: "outbox" } as unknown as Record<string, unknown>,
          refresh: true,
        });
      }
    });
  }

  async markDelivered(itemId: string, owner: string, result: DeliveredResult, now: string): Promise<void> {
    await this.finishHead(itemId, owner, (doc, head) => {
      const delivered: OutboxItem = { ...head, status: "delivered", attempts: head.attempts + 1, lastError: null, updatedAt: now, externalId: head.externalId ?? result.externalId ?? null };
      let rest = doc.queue.slice(1);
      let ticket: TicketDoc = doc;
      if (head.action === "create") {
        ticket = { ...doc, externalId: result.externalId ?? null, externalUrl: result.externalUrl ?? null, lastError: null, updatedAt: now, status: doc.status === "pending" ? "open" : doc.status };
        const nextCreate = rest.findIndex((i) => i.action === "create");
        rest = rest.map((i, n) => (i.externalId === null && (nextCreate < 0 || n < nextCreate) ? { ...i, externalId: result.externalId ?? null } : i));
      }
      return { doc: withQueue(ticket, rest), finished: [delivered] };
    });
  }

  async markRetry(itemId: string, owner: string, nextAttemptAt: string, error: string, now: string): Promise<void> {
    await this.finishHead(itemId, owner, (doc, head) => {
      const retried: OutboxItem = { ...head, attempts: head.attempts + 1, nextAttemptAt, lastError: error, updatedAt: now };
      return { doc: withQueue(doc, [retried, ...doc.queue.slice(1)]), finished: [] };
    });
  }

  async markFailed(itemId: string, owner: string, error: string, now: string): Promise<void> {
    await this.finishHead(itemId, owner, (doc, head) => {
      const failed: OutboxItem = { ...head, status: "failed", attempts: head.attempts + 1, lastError: error, updatedAt: now };
      let rest = doc.queue.slice(1);
      let ticket: TicketDoc = doc;
      const finished = [failed];
      if (head.action === "create") {
        if (doc.status !== "resolved") ticket = { ...doc, status: "failed", lastError: error, updatedAt: now };
        const nextCreate = rest.findIndex((i) => i.action === "create");
        const cut = nextCreate < 0 ? rest.length : nextCreate;
        finished.push(...rest.slice(0, cut).map((i) => ({ ...i, status: "failed" as const, lastError: `create failed: ${error}`, updatedAt: now })));
        rest = rest.slice(cut);
      }
      return { doc: withQueue(ticket, rest), finished };
    });
  }

  async listTickets(tenant: string, query: TicketQuery): Promise<TicketRecord[]> {
    const filter: Record<string, unknown>[] = [ofKind("ticket"), { term: { tenant } }];
    if (query.incidentId !== undefined) filter.push({ term: { incidentId: query.incidentId } });
    if (query.fingerprint !== undefined) filter.push({ term: { fingerprint: query.fingerprint } });
    if (query.status !== undefined) filter.push({ term: { status: query.status } });
    const response = await this.client.search({
      index: TICKETS_INDEX,
      body: { size: Math.min(query.limit ?? 100, 1000), sort: [{ updatedAt: { order: "desc" } }, { id: { order: "asc" } }], query: { bool: { filter } } },
    });
    return (response.body.hits.hits ?? []).map((h) => toRecord(h._source as unknown as TicketDoc));
  }

  async listOutbox(tenant: string, query: OutboxQuery): Promise<OutboxItem[]> {
    const limit = Math.min(query.limit ?? 100, 1000);
    const items: OutboxItem[] = [];
    if (query.status === undefined || query.status === "pending") {
      const response = await this.client.search({
        index: TICKETS_INDEX,
        body: { size: limit, query: { bool: { filter: [ofKind("ticket"), { term: { tenant } }, { range: { queueLength: { gt: 0 } } }] } } },
      });
      for (const hit of response.body.hits.hits ?? []) items.push(...(hit._source as unknown as TicketDoc).queue);
    }
    if (query.status !== "pending") {
      const filter: Record<string, unknown>[] = [ofKind("outbox"), { term: { tenant } }];
      if (query.status) filter.push({ term: { status: query.status } });
      const response = await this.client.search({
        index: TICKETS_INDEX,
        body: { size: limit, sort: [{ createdAt: { order: "asc" } }], query: { bool: { filter } } },
      });
      items.push(...(response.body.hits.hits ?? []).map((h) => h._source as unknown as OutboxItem));
    }
    return items.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.seq - b.seq).slice(0, limit);
  }

  async countOutbox(tenant: string): Promise<Record<OutboxStatus, number>> {
    const [pending, finished] = await Promise.all([
      this.client.search({
        index: TICKETS_INDEX,
        body: { size: 0, query: { bool: { filter: [ofKind("ticket"), { term: { tenant } }] } }, aggs: { queued: { sum: { field: "queueLength" } } } },
      }),
      this.client.search({
        index: TICKETS_INDEX,
        // The client's generated types lack `field` on terms aggregations, which OpenSearch accepts.
        body: { size: 0, query: { bool: { filter: [ofKind("outbox"), { term: { tenant } }] } }, aggs: { byStatus: { terms: { field: "status" } as object } } },
      }),
    ]);
    const counts: Record<OutboxStatus, number> = { pending: 0, delivered: 0, failed: 0 };
    const aggs = pending.body.aggregations as { queued?: { value?: number } } | undefined;
    counts.pending = Math.round(aggs?.queued?.value ?? 0);
    const buckets = (finished.body.aggregations as { byStatus?: { buckets?: { key: string; doc_count: number }[] } } | undefined)?.byStatus?.buckets ?? [];
    for (const b of buckets) if (b.key === "delivered" || b.key === "failed") counts[b.key] = b.doc_count;
    return counts;
  }

  async saveAnalysis(tenant: string, incidentId: string, rca: RootCauseAnalysis): Promise<void> {
    await this.client.index({
      index: TICKETS_INDEX,
      id: analysisDocId(tenant, incidentId),
      body: { kind: "analysis", tenant, incidentId, rca } as unknown as Record<string, unknown>,
      refresh: true,
    });
  }

  async getAnalysis(tenant: string, incidentId: string): Promise<RootCauseAnalysis | null> {
    try {
      const response = await this.client.get({ index: TICKETS_INDEX, id: analysisDocId(tenant, incidentId) });
      return response.body.found ? (response.body._source as unknown as { rca: RootCauseAnalysis }).rca : null;
    } catch (err) {
      if (statusOf(err) === 404) return null;
      throw err;
    }
  }

  /** The client is shared with the other stores; its owner closes it. */
  async close(): Promise<void> {}
}

