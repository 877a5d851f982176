import type { Client } from "@opensearch-project/opensearch";
import type { LogContext, LogExplorer, LogPage, LogQuery, LogSearch, LogStore, LogVolumeBucket } from "../../ports/stores";
import { basicFilters, decodeSearchAfter, encodeSearchAfter, logSearchQuery, sortFor } from "./log-explorer";
import type { LogDocument } from "../../../contracts/records";
import { LOG_INDEX_PATTERN } from "../../../contracts/opensearch/index-names";

const MAX_LIMIT = 1000;

/** The stored body: the id lives in `_id` only. */
export function documentSource<T extends { id: string }>(doc: T): Omit<T, "id"> {
  const { id: _id, ...source } = doc;
  return source;
}

/** The OpenSearch query for a {@link LogQuery}: every given filter must hold. */
export function logSearchBody(query: LogQuery) {
  const must: unknown[] = [];
  const filter = basicFilters(query);
  if (query.q) must.push({ match: { message: { query: query.q, operator: "and" } } });
  return {
    size: Math.min(Math.max(query.limit ?? 100, 0), MAX_LIMIT),
    sort: [{ "@timestamp": { order: "desc" } }, { _id: { order: "asc" } }],
    query: { bool: { must, filter } },
  };
}

interface Hit {
  _id: string;
  _source: Omit<LogDocument, "id">;
  sort?: unknown[];
}

const toDoc = (hit: Hit): LogDocument => ({ id: hit._id, ...hit._source });

/** {@link LogStore} over the daily `logclaw-logs-*` indices. */
export class OpenSearchLogStore implements LogStore, LogExplorer {
  constructor(private readonly client: Client) {}

  private async hits(body: Record<string, unknown>): Promise<{ hits: Hit[]; total: number; aggregations?: unknown }> {
    const response = await this.client.search({ index: LOG_INDEX_PATTERN, ignore_unavailable: true, allow_no_indices: true, body });
    const total = response.body.hits.total;
    return {
      hits: (response.body.hits.hits ?? []) as unknown as Hit[],
      total: typeof total === "number" ? total : (total?.value ?? 0),
      aggregations: response.body.aggregations,
    };
  }

  async page(search: LogSearch): Promise<LogPage> {
    const limit = Math.max(1, Math.min(search.limit, MAX_LIMIT));
    const { hits, total } = await this.hits({
      // One extra hit says whether a next page exists without a second request.
      size: limit + 1,
      track_total_hits: true,
      sort: sortFor(search.order),
      query: logSearchQuery(search),
      ...(search.cursor ? { search_after: decodeSearchAfter(search.cursor, search.order) } : {}),
    });
    const page = hits.slice(0, limit);
    const last = page[page.length - 1];
    return { logs: page.map(toDoc), total, nextCursor: hits.length > limit && last?.sort ? encodeSearchAfter(search.order, last.sort) : null };
  }

  async context(tenant: string, id: string, before: number, after: number): Promise<LogContext | null> {
    const found = await this.hits({ size: 1, sort: sortFor("desc"), query: { bool: { filter: [{ ids: { values: [id] } }, { term: { tenant_id: tenant } }] } } });
    const hit = found.hits[0];
    if (!hit?.sort) return null;
    const record = toDoc(hit);
    const neighbours = async (order: "desc" | "asc", n: number): Promise<LogDocument[]> => {
      if (n === 0) return [];
      const { hits } = await this.hits({
        size: n,
        sort: sortFor(order),
        search_after: hit.sort,
        query: { bool: { filter: [{ term: { tenant_id: tenant } }, { term: { service: record.service } }] } },
      });
      return hits.map(toDoc);
    };
    const [earlier, later] = await Promise.all([neighbours("desc", before), neighbours("asc", after)]);
    return { record, before: earlier.reverse(), after: later };
  }

  async histogram(search: LogSearch & { from: string; to: string }, bucketMs: number): Promise<LogVolumeBucket[]> {
    const { aggregations } = await this.hits({
      size: 0,
      query: logSearchQuery(search),
      aggs: {
        volume: {
          date_histogram: {
            field: "@timestamp",
            fixed_interval: `${Math.max(1, Math.floor(bucketMs))}ms`,
            min_doc_count: 0,
            extended_bounds: { min: search.from, max: search.to },
          },
          aggs: { errors: { filter: { terms: { severity_text: ["error", "fatal"] } } } },
        },
      },
    });
    const buckets = ((aggregations as { volume?: { buckets?: { key: number; doc_count: number; errors: { doc_count: number } }[] } })?.volume?.buckets ?? []);
    return buckets.map((b) => ({ at: new Date(b.key).toISOString(), total: b.doc_count, errors: b.errors.doc_count }));
  }

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
