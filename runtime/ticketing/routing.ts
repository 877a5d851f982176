import type { PlatformName, TenantConfig } from "../../infra/tenants/schema";
import type { IncidentSeverity } from "../shared/types";

/** The platforms that get a ticket for this severity: the tenant's routing, limited to configured ones. */
export function routeIncident(integrations: TenantConfig["integrations"], severity: IncidentSeverity): PlatformName[] {
  return [...new Set(integrations.routing[severity])].filter((p) => integrations[p] !== undefined);
}
