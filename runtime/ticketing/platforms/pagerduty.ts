import type { Agent } from "node:https";
import { event } from "@pagerduty/pdjs";
import type { EventParameters, EventPayloadV2, Severity } from "@pagerduty/pdjs/build/src/events";
import type { IncidentSeverity } from "../../../contracts/records";
import type { DeliveredResult } from "../../../contracts/tickets";
import type { PlatformClient, TicketRef } from "./client";
import { truncate, type TicketContent } from "./content";
import { DeliveryError, isRetryableStatus, parseRetryAfter } from "./errors";

export interface PagerDutyOptions {
  routingKey: string;
  /** Events API host[:port]; pdjs always speaks https. Default events.pagerduty.com (EU: events.eu.pagerduty.com). */
  server?: string;
  /** TLS agent for a private CA (tests, egress proxies that re-sign). */
  agent?: Agent;
  timeoutMs: number;
  /** pdjs waits this long before each of its own (at most three) retries on 429. Default 1000 ms. */
  retryTimeoutMs?: number;
}

export const PAGERDUTY_SEVERITY: Record<IncidentSeverity, Severity> = {
  critical: "critical",
  high: "error",
  medium: "warning",
  low: "info",
};

/**
 * PagerDuty Events API v2 through @pagerduty/pdjs. The fingerprint is the `dedup_key`: repeats are
 * further `trigger` events that PagerDuty folds into the open alert, resolution is `resolve`.
 */
export class PagerDutyClient implements PlatformClient {
  readonly platform = "pagerduty" as const;

  constructor(private readonly options: PagerDutyOptions) {}

  private async send(data: EventPayloadV2): Promise<string> {
    const params = {
      server: this.options.server,
      data,
      signal: AbortSignal.timeout(this.options.timeoutMs),
      retryTimeout: this.options.retryTimeoutMs ?? 1000,
      // pdjs hands its options to node-fetch, which takes an https agent.
      agent: this.options.agent,
    } as EventParameters;
    let status: number;
    let body: { status?: string; message?: string; dedup_key?: string; errors?: string[] } | null;
    let retryAfter: string | null;
    try {
      const response = await event(params);
      status = response.status;
      body = response.data as typeof body;
      retryAfter = response.headers.get("retry-after");
    } catch (err) {
      const name = (err as Error).name;
      if (name === "AbortError" || name === "TimeoutError") {
        throw new DeliveryError(`PagerDuty event timed out after ${this.options.timeoutMs} ms`, true, "timeout");
      }
      // pdjs parses every answer as JSON; a non-JSON answer (proxy error page) lands here too.
      throw new DeliveryError(`PagerDuty event failed: ${(err as Error).message}`, true, "network");
    }
    if (status < 200 || status >= 300) {
      throw new DeliveryError(
        `PagerDuty answered ${status}: ${body?.message ?? ""} ${(body?.errors ?? []).join("; ")}`.trim(),
        isRetryableStatus(status),
        `http_${status}`,
        parseRetryAfter(retryAfter, Date.now()),
      );
    }
    return body?.dedup_key ?? data.dedup_key ?? "";
  }

  private trigger(content: TicketContent): EventPayloadV2 {
    const links = [
      ...(content.links.dashboard ? [{ href: content.links.dashboard, text: "LogClaw dashboard" }] : []),
      ...(content.links.logs ? [{ href: content.links.logs, text: "Logs" }] : []),
    ];
    return {
      routing_key: this.options.routingKey,
      event_action: "trigger",
      dedup_key: content.fingerprint,
      payload: {
        // The Events API caps summary at 1024 characters.
        summary: truncate(`${content.title}: ${content.summary}`, 1024),
        source: content.service,
        severity: PAGERDUTY_SEVERITY[content.severity],
        timestamp: content.detectedAt,
        component: content.rootCauseService,
        group: content.tenant,
        class: content.family,
        custom_details: {
          incident_id: content.incidentId,
          occurrences: content.occurrences,
          ...Object.fromEntries(content.sections.map((s) => [s.heading, s.lines])),
        },
      },
      ...(links.length ? { links } : {}),
    };
  }

  async create(content: TicketContent): Promise<DeliveredResult> {
    const dedupKey = await this.send(this.trigger(content));
    return { externalId: dedupKey || content.fingerprint };
  }

  async update(_ref: TicketRef, content: TicketContent): Promise<void> {
    await this.send(this.trigger(content));
  }

  async resolve(ref: TicketRef, _content: TicketContent): Promise<void> {
    await this.send({
      routing_key: this.options.routingKey,
      event_action: "resolve",
      dedup_key: ref.externalId ?? ref.fingerprint,
    } as EventPayloadV2);
  }
}
