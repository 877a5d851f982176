import type { Agent } from "node:https";
import type { PlatformName, TenantConfig } from "../../../contracts/tenant/schema";
import type { PlatformClient } from "./client";
import { JiraClient } from "./jira";
import { OPSGENIE_API, OpsGenieClient } from "./opsgenie";
import { PagerDutyClient } from "./pagerduty";
import { ServiceNowClient } from "./servicenow";
import { SlackClient } from "./slack";
import { ZammadClient } from "./zammad";

export type { PlatformClient, TicketRef } from "./client";
export { buildLinks, buildTicketContent, type DashboardKind, type TicketContent, type TicketLinks } from "./content";
export { DeliveryError, parseRetryAfter } from "./errors";
export { FolderTicketClient } from "./folder";

/** Secret values per platform, keyed by the properties of `PLATFORM_CREDENTIAL_PROPERTIES`. */
export type PlatformCredentials = Partial<Record<PlatformName, Record<string, string>>>;

/**
 * Where each platform's API lives when not at its public address: the tenant file fixes Jira,
 * ServiceNow and Zammad URLs and the OpsGenie region; this reaches gateways, proxies and test servers.
 */
export interface PlatformEndpoints {
  opsgenieBaseUrl?: string;
  /** host[:port] of the PagerDuty Events API (https). */
  pagerdutyServer?: string;
  pagerdutyAgent?: Agent;
  pagerdutyRetryTimeoutMs?: number;
}

function credential(credentials: PlatformCredentials, platform: PlatformName, property: string): string {
  const value = credentials[platform]?.[property];
  if (!value) throw new Error(`credential ${platform}.${property} is missing`);
  return value;
}

/** One client per platform configured in the tenant file; throws naming a missing credential. */
export function buildPlatformClients(
  integrations: TenantConfig["integrations"],
  credentials: PlatformCredentials,
  endpoints: PlatformEndpoints,
  timeoutMs: number,
): Map<PlatformName, PlatformClient> {
  const clients = new Map<PlatformName, PlatformClient>();
  const c = (p: PlatformName, prop: string) => credential(credentials, p, prop);
  if (integrations.jira) {
    const j = integrations.jira;
    clients.set(
      "jira",
      new JiraClient({ baseUrl: j.baseUrl, projectKey: j.projectKey, issueType: j.issueType, email: c("jira", "email"), apiToken: c("jira", "apiToken"), timeoutMs }),
    );
  }
  if (integrations.servicenow) {
    const s = integrations.servicenow;
    clients.set(
      "servicenow",
      new ServiceNowClient({
        instanceUrl: s.instanceUrl,
        assignmentGroup: s.assignmentGroup,
        username: c("servicenow", "username"),
        password: c("servicenow", "password"),
        timeoutMs,
      }),
    );
  }
  if (integrations.pagerduty) {
    clients.set(
      "pagerduty",
      new PagerDutyClient({
        routingKey: c("pagerduty", "routingKey"),
        server: endpoints.pagerdutyServer,
        agent: endpoints.pagerdutyAgent,
        retryTimeoutMs: endpoints.pagerdutyRetryTimeoutMs,
        timeoutMs,
      }),
    );
  }
  if (integrations.opsgenie) {
    const o = integrations.opsgenie;
    clients.set(
      "opsgenie",
      new OpsGenieClient({ apiKey: c("opsgenie", "apiKey"), baseUrl: endpoints.opsgenieBaseUrl ?? OPSGENIE_API[o.region], team: o.team, timeoutMs }),
    );
  }
  if (integrations.slack) {
    clients.set("slack", new SlackClient({ webhookUrl: c("slack", "webhookUrl"), timeoutMs }));
  }
  if (integrations.zammad) {
    const z = integrations.zammad;
    clients.set("zammad", new ZammadClient({ baseUrl: z.baseUrl, group: z.group, customer: z.customer, token: c("zammad", "token"), timeoutMs }));
  }
  return clients;
}
