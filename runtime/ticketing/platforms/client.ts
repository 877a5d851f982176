import type { DeliveredResult, TicketComment, TicketTarget } from "../../../contracts/tickets";
import type { TicketContent } from "./content";

/** The platform's handle on an existing ticket (Jira key, ServiceNow sys_id, alias, ...). */
export interface TicketRef {
  externalId: string | null;
  fingerprint: string;
}

/**
 * One delivery target: a ticket platform, or local mode's ticket folder. Calls throw {@link DeliveryError} on failure. `findOpen` (optional) lets the
 * outbox recover from a create whose answer was lost: before re-creating, it looks for the ticket
 * the first attempt may have made.
 */
export interface PlatformClient {
  readonly platform: TicketTarget;
  create(content: TicketContent): Promise<DeliveredResult>;
  update(ref: TicketRef, content: TicketContent): Promise<void>;
  resolve(ref: TicketRef, content: TicketContent): Promise<void>;
  findOpen?(fingerprint: string): Promise<DeliveredResult | null>;
  /** A workflow action as a comment on the live ticket; absent where the platform takes none (PagerDuty Events API). */
  comment?(ref: TicketRef, comment: TicketComment, content: TicketContent): Promise<void>;
  /** Whether an earlier attempt already posted `comment` (its answer lost); the outbox asks before a retry. */
  hasComment?(ref: TicketRef, comment: TicketComment): Promise<boolean>;
}

/** Label/tag form of a fingerprint: platforms restrict label characters. */
export function fingerprintLabel(fingerprint: string): string {
  return `logclaw-${fingerprint.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 200)}`;
}
