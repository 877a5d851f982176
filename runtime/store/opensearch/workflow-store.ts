import type { Client } from "@opensearch-project/opensearch";
import type { WorkflowChanges, WorkflowStore } from "../../ports/stores";
import type { IncidentWorkflow } from "../../../contracts/records";
import { WORKFLOW_INDEX } from "../../../contracts/opensearch/index-names";
import { createIndexIfMissing, statusOf } from "./errors";

/** Only the keys queried are mapped; the rest stays in `_source`. */
const keyword = { type: "keyword" as const };
const WORKFLOW_PROPERTIES = {
  tenant: keyword,
  incidentId: keyword,
  fingerprint: keyword,
  verdict: keyword,
  // The bridge reads the workflows changed since its last look (runtime/services/bridge/verdicts.ts).
  updatedAt: { type: "date" as const },
};
const WORKFLOW_INDEX_BODY = {
  settings: { number_of_shards: 1 },
  mappings: {
    dynamic: "false" as const,
    properties: WORKFLOW_PROPERTIES,
  },
};

/** Verdicts per tenant are few (people make them by hand); one page holds them all. */
const MAX_VERDICTS = 10_000;

const idOf = (tenant: string, incidentId: string) => `${tenant}:${incidentId}`;

export async function ensureWorkflowIndex(client: Client): Promise<void> {
  await createIndexIfMissing(() => client.indices.create({ index: WORKFLOW_INDEX, body: WORKFLOW_INDEX_BODY }));
  // An index created before a key was mapped gains it (mappings only grow); documents saved from now on are indexed by it.
  await client.indices.putMapping({ index: WORKFLOW_INDEX, body: { properties: WORKFLOW_PROPERTIES } });
}

/** {@link WorkflowStore} on `logclaw-incident-workflow`; writes refresh at once so the next read sees them. */
export class OpenSearchWorkflowStore implements WorkflowStore, WorkflowChanges {
  constructor(private readonly client: Client) {}

  async get(tenant: string, incidentId: string): Promise<IncidentWorkflow | null> {
    try {
      const response = await this.client.get({ index: WORKFLOW_INDEX, id: idOf(tenant, incidentId) });
      return response.body.found ? (response.body._source as unknown as IncidentWorkflow) : null;
    } catch (err) {
      if (statusOf(err) === 404) return null;
      throw err;
    }
  }

  async save(workflow: IncidentWorkflow): Promise<void> {
    await this.client.index({ index: WORKFLOW_INDEX, id: idOf(workflow.tenant, workflow.incidentId), body: workflow as unknown as Record<string, unknown>, refresh: true });
  }

  async many(tenant: string, incidentIds: readonly string[]): Promise<IncidentWorkflow[]> {
    if (incidentIds.length === 0) return [];
    const response = await this.client.mget({ index: WORKFLOW_INDEX, body: { ids: incidentIds.map((id) => idOf(tenant, id)) } });
    const docs = (response.body.docs ?? []) as unknown as { found?: boolean; _source?: IncidentWorkflow }[];
    return docs.filter((d) => d.found && d._source).map((d) => d._source as IncidentWorkflow);
  }

  async withVerdict(tenant: string): Promise<IncidentWorkflow[]> {
    const response = await this.client.search({
      index: WORKFLOW_INDEX,
      ignore_unavailable: true,
      body: { size: MAX_VERDICTS, query: { bool: { filter: [{ term: { tenant } }, { exists: { field: "verdict" } }] } } },
    });
    return (response.body.hits.hits ?? []).map((hit) => hit._source as unknown as IncidentWorkflow);
  }

  async changedSince(tenant: string, since: string | null): Promise<IncidentWorkflow[]> {
    const filter: Record<string, unknown>[] = [{ term: { tenant } }];
    if (since === null) filter.push({ exists: { field: "verdict" } });
    else filter.push({ range: { updatedAt: { gte: since } } });
    const response = await this.client.search({
      index: WORKFLOW_INDEX,
      // The ticketing agent creates the index with its first workflow: until then there is nothing to read.
      ignore_unavailable: true,
      body: { size: MAX_VERDICTS, sort: [{ updatedAt: { order: "asc", unmapped_type: "date" } }], query: { bool: { filter } } },
    });
    return (response.body.hits.hits ?? []).map((hit) => hit._source as unknown as IncidentWorkflow);
  }
}
