import type { Logger } from "pino";
import { retryDelayMs, DEFAULT_BACKOFF, type BackoffPolicy } from "./backoff";
import type { TicketingMetrics } from "./metrics";
import { buildLinks, buildTicketContent, DeliveryError, type DashboardKind, type PlatformClient, type TicketContent, type TicketRef } from "./platforms";
import type { TextRedactor } from "../bridge/redact";
import type { TicketStore } from "../ports/ticket-store";
import type { ClaimedItem, DeliveredResult, TicketTarget } from "../../contracts/tickets";

export interface OutboxDispatcherOptions {
  tenant: string;
  store: TicketStore;
  clients: ReadonlyMap<TicketTarget, PlatformClient>;
  redact: TextRedactor;
  dashboardUrl: string | null;
  /** What `dashboardUrl` points at, so ticket links use the URLs it honours; default `grafana`. */
  dashboardKind?: DashboardKind;
  metrics: TicketingMetrics;
  logger: Logger;
  now: () => Date;
  /** Lease owner id: unique per process (host + pid + random). */
  owner: string;
  backoff?: BackoffPolicy;
  /** How long a claimed item stays leased; a crashed owner's items are due again after it. Default 60 s. */
  leaseMs?: number;
  /** Items claimed per round. Default 20. */
  batchSize?: number;
  /** Poll interval of the background loop. Default 1 s. */
  pollMs?: number;
}

/**
 * Drains the persisted outbox: claims due items under a lease, calls the platform, and records the
 * outcome. Retryable failures go back with backoff (Retry-After honoured); permanent ones are marked
 * failed, counted and listed by the API. Nothing leaves the outbox without a recorded outcome.
 */
export class OutboxDispatcher {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private again = false;
  private stopped = true;

  constructor(private readonly options: OutboxDispatcherOptions) {}

  /** One round: claims due items and delivers them in parallel (never two of the same ticket). */
  async runOnce(): Promise<number> {
    const { store, now, owner } = this.options;
    const start = now();
    const claimed = await store.claimDue(
      this.options.tenant,
      owner,
      start.toISOString(),
      new Date(start.getTime() + (this.options.leaseMs ?? 60_000)).toISOString(),
      this.options.batchSize ?? 20,
    );
    await Promise.all(claimed.map((c) => this.deliver(c)));
    const counts = await store.countOutbox(this.options.tenant);
    for (const [status, n] of Object.entries(counts)) this.options.metrics.outbox.set({ status }, n);
    return claimed.length;
  }

  /** Runs rounds until nothing is due (tests and shutdown flushes). */
  async drain(): Promise<void> {
    while ((await this.runOnce()) > 0);
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** New work was enqueued: run a round now instead of waiting for the poll. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.running = this.runOnce()
        .catch((err: unknown) => {
          this.options.logger.error({ err: (err as Error).message }, "outbox round failed");
          return 0;
        })
        .then((n) => {
          this.running = null;
          const more = n > 0 || this.again;
          this.again = false;
          this.schedule(more ? 0 : (this.options.pollMs ?? 1000));
          return n;
        });
    }, delayMs);
  }

  /** Whether `platform` takes workflow comments (the agent enqueues none for one that does not). */
  takesComments(platform: TicketTarget): boolean {
    return typeof this.options.clients.get(platform)?.comment === "function";
  }

  /** A retried comment may follow one whose answer was lost: never post it a second time. */
  private async comment(client: PlatformClient, ref: TicketRef, item: ClaimedItem["item"], content: TicketContent): Promise<void> {
    const stored = item.payload.comment;
    if (!stored || !client.comment) throw new DeliveryError(`comment item ${item.id} cannot be delivered to ${item.platform}`, false, "not_supported");
    // People's notes leave the tenant too: the tenant's redaction rules apply to them as to evidence.
    const comment = { ...stored, text: this.options.redact(stored.text), by: this.options.redact(stored.by) };
    if (item.attempts > 0 && client.hasComment && (await client.hasComment(ref, comment))) return;
    await client.comment(ref, comment, content);
  }

  private async deliver({ item, ticket }: ClaimedItem): Promise<void> {
    const { store, clients, metrics, logger, now, owner, redact, dashboardUrl, dashboardKind } = this.options;
    const labels = { platform: item.platform, action: item.action };
    const client = clients.get(item.platform);
    if (!client) {
      const error = `platform ${item.platform} is not configured`;
      metrics.failures.inc({ ...labels, reason: "not_configured" });
      await store.markFailed(item.id, owner, error, now().toISOString());
      return;
    }
    const content = buildTicketContent(item.payload, buildLinks(dashboardUrl, item.payload, dashboardKind), redact);
    const ref = { externalId: item.externalId ?? ticket.externalId, fingerprint: item.fingerprint };
    try {
      if (item.action === "create" && item.attempts === 0) {
        metrics.firstRequestSeconds.observe({ platform: item.platform }, (now().getTime() - Date.parse(item.createdAt)) / 1000);
      }
      let result: DeliveredResult = {};
      if (item.action === "create") {
        // A retried create may follow one whose answer was lost: adopt the ticket it made.
        const existing = item.attempts > 0 && client.findOpen ? await client.findOpen(item.fingerprint) : null;
        result = existing ?? (await client.create(content));
      } else if (item.action === "update") {
        await client.update(ref, content);
      } else if (item.action === "comment") {
        await this.comment(client, ref, item, content);
      } else {
        await client.resolve(ref, content);
      }
      await store.markDelivered(item.id, owner, result, now().toISOString());
      metrics.deliveries.inc(labels);
      logger.info({ ...labels, ticket: ticket.id, externalId: result.externalId ?? ref.externalId }, "ticket call delivered");
    } catch (err) {
      const failure =
        err instanceof DeliveryError ? err : new DeliveryError((err as Error).message ?? String(err), true, "error");
      const attempts = item.attempts + 1;
      const policy = this.options.backoff ?? DEFAULT_BACKOFF;
      const at = now();
      if (failure.retryable && attempts < policy.maxAttempts) {
        const delay = retryDelayMs(policy, attempts, failure.retryAfterMs);
        metrics.retries.inc({ ...labels, reason: failure.reason });
        await store.markRetry(item.id, owner, new Date(at.getTime() + delay).toISOString(), failure.message, at.toISOString());
        logger.warn({ ...labels, reason: failure.reason, attempts, delayMs: delay }, "ticket call failed, will retry");
      } else {
        const reason = failure.retryable ? "attempts_exhausted" : failure.reason;
        metrics.failures.inc({ ...labels, reason });
        await store.markFailed(item.id, owner, failure.message, at.toISOString());
        logger.error({ ...labels, reason, attempts, error: failure.message }, "ticket call failed for good");
      }
    }
  }
}
