import type { Logger } from "pino";
import type { TenantConfig } from "../../contracts/tenant/schema";
import type { LogStore } from "../ports/stores";
import type { Incident, IncidentEvent } from "../../contracts/records";
import { DEFAULT_EVIDENCE_LIMITS, gatherEvidence, type EvidenceLimits } from "./evidence";
import type { TicketingMetrics } from "./metrics";
import type { OutboxDispatcher } from "./outbox";
import type { RcaEngine } from "./rca/analyzer";
import { ruleBasedRca } from "./rca/rules";
import type { TextRedactor } from "../bridge/redact";
import { routeIncident } from "./routing";
import type { TicketStore } from "../ports/ticket-store";
import type { RootCauseAnalysis, TicketComment, TicketTarget } from "../../contracts/tickets";

export interface TicketingAgentOptions {
  tenant: TenantConfig;
  store: TicketStore;
  logs: LogStore;
  rca: RcaEngine;
  dispatcher: OutboxDispatcher;
  redact: TextRedactor;
  metrics: TicketingMetrics;
  logger: Logger;
  now: () => Date;
  evidenceLimits?: EvidenceLimits;
  /** Takes every severity when the tenant configures no platform (local mode's folder). Default: none. */
  fallbackTarget?: TicketTarget | null;
}

const EMPTY_EVIDENCE = { samples: [], traceLogs: [], blastRadius: {}, errors: [] };

/**
 * Turns incident events into ticket work: RCA once per incident that needs a new ticket, then one
 * atomic dedup decision per routed target (the store enqueues the platform call), then a kick to
 * the outbox. Returns once the work is persisted, not once it is delivered.
 */
export class TicketingAgent {
  constructor(private readonly options: TicketingAgentOptions) {}

  async handle(event: IncidentEvent): Promise<void> {
    const { tenant, store, metrics, logger, now } = this.options;
    const { incident } = event;
    metrics.events.inc({ type: event.type });
    if (incident.tenant !== tenant.id) {
      // Each tenant has its own topic; a foreign incident is a wiring fault, never to be ticketed.
      metrics.droppedEvents.inc({ reason: "wrong_tenant" });
      logger.error({ incident: incident.id, tenant: incident.tenant }, "dropping an incident of another tenant");
      return;
    }
    const existing = await store.listTickets(tenant.id, { fingerprint: incident.fingerprint, limit: 20 });
    const live = new Set(existing.filter((t) => t.status === "pending" || t.status === "open").map((t) => t.platform));

    let platforms: TicketTarget[];
    if (event.type === "resolved") {
      platforms = [...live];
    } else {
      platforms = routeIncident(tenant.integrations, incident.severity, this.options.fallbackTarget ?? null);
      // A ticket stays updated on its platform even when a later severity would no longer route there.
      for (const p of live) if (!platforms.includes(p)) platforms.push(p);
    }
    if (platforms.length === 0) return;

    const needsCreate = event.type !== "resolved" && platforms.some((p) => !live.has(p));
    const rca = await this.analysis(incident, needsCreate);
    const at = now().toISOString();
    for (const platform of platforms) {
      const result = await store.recordEvent({ tenant: tenant.id, platform, type: event.type, incident, rca, now: at });
      metrics.dedup.inc({ platform, outcome: result.outcome });
    }
    this.options.dispatcher.kick();
  }

  /**
   * A workflow action (acknowledge, assign, note, snooze) as a comment on each live ticket of the
   * incident's fingerprint whose platform takes comments, through the outbox: after the ticket's
   * create, retried like other items, and once per action key however often this is called.
   */
  async comment(incident: Incident, comment: TicketComment): Promise<void> {
    const { tenant, store, metrics, dispatcher, now, redact } = this.options;
    if (incident.tenant !== tenant.id) return;
    const existing = await store.listTickets(tenant.id, { fingerprint: incident.fingerprint, limit: 20 });
    const targets = existing.filter((t) => (t.status === "pending" || t.status === "open") && dispatcher.takesComments(t.platform));
    if (targets.length === 0) return;
    const rca = (await store.getAnalysis(tenant.id, incident.id)) ?? ruleBasedRca(incident, EMPTY_EVIDENCE, redact, now().toISOString(), null);
    const at = now().toISOString();
    for (const { platform } of targets) {
      const result = await store.recordComment({ tenant: tenant.id, platform, incident, rca, comment, now: at });
      metrics.dedup.inc({ platform, outcome: result.outcome });
    }
    dispatcher.kick();
  }

  /**
   * The incident's stored RCA while it still describes the incident's root cause and blast radius; a
   * new one when a ticket is about to be created or when those changed (a detection spread the
   * failure further), so the ticket's title, RCA and affected services agree; else a cheap rule-based one.
   */
  private async analysis(incident: Incident, fresh: boolean): Promise<RootCauseAnalysis> {
    const { store, tenant, redact, now } = this.options;
    const scope = analysisScope(incident);
    const stored = await store.getAnalysis(tenant.id, incident.id);
    if (stored && (stored.scope ?? scope) === scope) return stored;
    if (!stored && !fresh) return ruleBasedRca(incident, EMPTY_EVIDENCE, redact, now().toISOString(), null);
    const evidence = await gatherEvidence(this.options.logs, incident, this.options.evidenceLimits ?? DEFAULT_EVIDENCE_LIMITS);
    const rca: RootCauseAnalysis = { ...(await this.options.rca.analyze(incident, evidence)), scope };
    await store.saveAnalysis(tenant.id, incident.id, rca);
    return rca;
  }
}

/** What an analysis is about: the origin and the blast radius, order aside. */
function analysisScope(incident: Incident): string {
  const origin = incident.rootCauseService || incident.service;
  return [origin, ...[...new Set(incident.affectedServices)].filter((s) => s !== origin).sort()].join(",");
}
