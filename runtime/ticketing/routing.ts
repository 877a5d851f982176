import { PLATFORMS, type TenantConfig } from "../../contracts/tenant/schema";
import type { IncidentSeverity } from "../../contracts/records";
import type { TicketTarget } from "../../contracts/tickets";

/** True when the tenant file configures at least one ticket platform. */
export function hasConfiguredPlatform(integrations: TenantConfig["integrations"]): boolean {
  return PLATFORMS.some((p) => integrations[p] !== undefined);
}

/**
 * The targets that get a ticket for this severity: the tenant's routing, limited to configured
 * platforms. `fallback` (local mode's folder) takes every severity when no platform is configured
 * at all; a tenant that configures platforms but routes a severity nowhere files nothing for it.
 */
export function routeIncident(
  integrations: TenantConfig["integrations"],
  severity: IncidentSeverity,
  fallback: TicketTarget | null = null,
): TicketTarget[] {
  if (fallback !== null && !hasConfiguredPlatform(integrations)) return [fallback];
  return [...new Set(integrations.routing[severity])].filter((p) => integrations[p] !== undefined);
}
