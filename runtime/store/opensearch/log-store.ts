import type { Client } from "@opensearch-project/opensearch";
import type { LogQuery, LogStore } from "../../ports/stores";
import type { LogDocument } from "../../../contracts/records";
import { LOG_INDEX_PATTERN } from "../../../contracts/opensearch/index-names";

const MAX_LIMIT = 1000;

/** The stored body: the id lives in `_id` only. */
export function documentSource(doc: LogDocument): Omit<LogDocument, "id"> {
  const { id: _id, ...source } = doc;
  return source;
}

/** The OpenSearch query for a {@link LogQuery}: every given filter must hold. */
export function logSearchBody(query: LogQuery) {
  const must: unknown[] = [];
  const filter: unknown[] = [];
  if (query.q) must.push({ match: { message: { query: query.q, operator: "and" } } });
  if (query.service) filter.push({ term: { service: query.service } });
  if (query.severity) filter.push({ term: { severity_text: query.severity } });
  if (query.from || query.to) {
    filter.push({ range: { "@timestamp": { ...(query.from ? { gte: query.from } : {}), ...(query.to ? { lte: query.to } : {}) } } });
  }
  if (query.traceIds) filter.push({ terms: { trace_id: query.traceIds } });
  if (query.ids) filter.push({ ids: { values: query.ids } });
  return {
    size: Math.min(Math.max(query.limit ?? 100, 0), MAX_LIMIT),
    sort: [{ "@timestamp": { order: "desc" } }, { _id: { order: "asc" } }],
    query: { bool: { must, filter } },
  };
}

interface Hit {
  _id: string;
  _source: Omit<LogDocument, "id">;
}

/** {@link LogStore} over the daily `logclaw-logs-*` indices. */
export class OpenSearchLogStore implements LogStore {
  constructor(private readonly client: Client) {}

  async search(query: LogQuery): Promise<LogDocument[]> {
    const response = await this.client.search({
      index: LOG_INDEX_PATTERN,
      ignore_unavailable: true,
      allow_no_indices: true,
      body: logSearchBody(query) as Record<string, unknown>,
    });
    const hits = (response.body.hits.hits ?? []) as unknown as Hit[];
    return hits.map((hit) => ({ id: hit._id, ...hit._source }));
  }
}
