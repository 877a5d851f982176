import type {
  ClaimedItem,
  DeliveredResult,
  OutboxItem,
  OutboxQuery,
  RecordCommentInput,
  RecordCommentResult,
  RecordEventInput,
  RecordEventResult,
  RootCauseAnalysis,
  TicketQuery,
  TicketRecord,
} from "../../contracts/tickets";

/**
 * Ticket, deduplication and outbox state. Implemented on the embedded SQLite store (local mode,
 * transactions with BEGIN IMMEDIATE) and on OpenSearch (production, optimistic concurrency). Every
 * write that decides "create or update" is atomic across processes sharing the store, so two
 * replicas never file the same fingerprint twice.
 */
export interface TicketStore {
  /**
   * Folds one incident event into the ticket of (tenant, platform, fingerprint) and enqueues the
   * platform call it needs, in one atomic step (see {@link decideTicketEvent}).
   */
  recordEvent(input: RecordEventInput): Promise<RecordEventResult>;
  /**
   * Enqueues a workflow comment on the live ticket of (tenant, platform, fingerprint), after every item
   * already queued for it; a key enqueued before changes nothing (see {@link commentPayload}).
   */
  recordComment(input: RecordCommentInput): Promise<RecordCommentResult>;
  /**
   * Leases up to `limit` due pending items of `tenant` to `owner` until `leaseUntil`. Only the oldest pending
   * item of a ticket is ever due, so a ticket's create, updates and resolve go out in order.
   */
  claimDue(tenant: string, owner: string, now: string, leaseUntil: string, limit: number): Promise<ClaimedItem[]>;
  /** Marks a leased item delivered; a delivered create stores the platform's id on the ticket. */
  markDelivered(itemId: string, owner: string, result: DeliveredResult, now: string): Promise<void>;
  /** Returns a leased item to pending, due again at `nextAttemptAt`. */
  markRetry(itemId: string, owner: string, nextAttemptAt: string, error: string, now: string): Promise<void>;
  /**
   * Marks a leased item failed for good. A failed create fails the ticket and every later pending
   * item of it (they need the ticket that was never made); the next occurrence starts afresh.
   */
  markFailed(itemId: string, owner: string, error: string, now: string): Promise<void>;
  listTickets(tenant: string, query: TicketQuery): Promise<TicketRecord[]>;
  listOutbox(tenant: string, query: OutboxQuery): Promise<OutboxItem[]>;
  /** Counts items per status (for metrics and readiness). */
  countOutbox(tenant: string): Promise<Record<OutboxItem["status"], number>>;
  saveAnalysis(tenant: string, incidentId: string, rca: RootCauseAnalysis): Promise<void>;
  getAnalysis(tenant: string, incidentId: string): Promise<RootCauseAnalysis | null>;
  close(): Promise<void>;
}
