import type { Client } from "@opensearch-project/opensearch";
import type { IncidentQuery, IncidentStore } from "../../ports/stores";
import type { Incident } from "../../../contracts/records";
import { statusOf } from "./errors";
import { INCIDENTS_INDEX } from "../../../contracts/opensearch/index-names";

const MAX_LIMIT = 1000;

/** {@link IncidentStore} over `logclaw-incidents`, one document per incident id. */
export class OpenSearchIncidentStore implements IncidentStore {
  constructor(private readonly client: Client) {}

  async upsert(incident: Incident): Promise<void> {
    await this.client.index({ index: INCIDENTS_INDEX, id: incident.id, body: incident as unknown as Record<string, unknown> });
  }

  /** Writes many incidents in one bulk request (the bridge's batch path); throws if any failed. */
  async upsertMany(incidents: Incident[]): Promise<void> {
    if (incidents.length === 0) return;
    const body = incidents.flatMap((incident) => [{ index: { _index: INCIDENTS_INDEX, _id: incident.id } }, incident]);
    const response = await this.client.bulk({ body });
    const result = response.body as { errors: boolean; items: Array<{ index?: { _id: string; status: number; error?: { type: string } } }> };
    if (result.errors) {
      const failed = result.items.find((i) => i.index?.error);
      const error = new Error(`incident upsert failed for ${failed?.index?._id}: ${failed?.index?.error?.type}`);
      Object.assign(error, { statusCode: failed?.index?.status });
      throw error;
    }
  }

  async list(query: IncidentQuery): Promise<Incident[]> {
    const response = await this.client.search({
      index: INCIDENTS_INDEX,
      body: {
        size: Math.min(Math.max(query.limit ?? 100, 0), MAX_LIMIT),
        sort: [{ detectedAt: { order: "desc" } }, { id: { order: "asc" } }],
        query: query.since ? { range: { detectedAt: { gte: query.since } } } : { match_all: {} },
      },
    });
    return (response.body.hits.hits ?? []).map((hit) => hit._source as unknown as Incident);
  }

  async get(id: string): Promise<Incident | null> {
    try {
      const response = await this.client.get({ index: INCIDENTS_INDEX, id });
      return response.body.found ? (response.body._source as unknown as Incident) : null;
    } catch (err) {
      if (statusOf(err) === 404) return null;
      throw err;
    }
  }
}
