import { describe, expect, it } from "vitest";
import { openSearchRoles } from "../../../infra/tenant-stack/opensearch";
import { OPENSEARCH_USERS } from "../../../infra/tenant-stack/names";
import { INCIDENTS_INDEX, logIndexName, spanIndexName, TICKETS_INDEX, WORKFLOW_INDEX } from "../../../contracts/opensearch/index-names";

type Grant = { indexPatterns: string[]; allowedActions: string[] };

/** Whether one of the user's grants covers the index (exact name or a trailing-* pattern) with the action group. */
function allows(user: string, index: string, action: string): boolean {
  const grants = openSearchRoles()[user].indexPermissions as Grant[];
  return grants.some(
    (g) => g.allowedActions.includes(action) && g.indexPatterns.some((p) => p === index || (p.endsWith("*") && index.startsWith(p.slice(0, -1)))),
  );
}

describe("OpenSearch roles of the data-plane users", () => {
  it("let the ticketing agent's API create and write every index it stores (incidents, tickets, workflow)", () => {
    for (const index of [INCIDENTS_INDEX, TICKETS_INDEX, WORKFLOW_INDEX]) {
      expect(allows(OPENSEARCH_USERS.ticketing, index, "crud"), index).toBe(true);
      expect(allows(OPENSEARCH_USERS.ticketing, index, "create_index"), index).toBe(true);
    }
  });

  it("let the bridge write and refresh the daily log and span indices (it refreshes them before publishing incident events)", () => {
    for (const index of [logIndexName("2026-12-07T10:00:00Z"), spanIndexName("2026-12-07T10:00:00Z")]) {
      expect(allows(OPENSEARCH_USERS.bridge, index, "crud"), index).toBe(true);
      expect(allows(OPENSEARCH_USERS.bridge, index, "indices:admin/refresh*"), index).toBe(true);
    }
  });
});
