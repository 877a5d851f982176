import type { Client } from "@opensearch-project/opensearch";
import type { SpanDocument } from "../../../contracts/records";
import { SPAN_INDEX_PATTERN } from "../../../contracts/opensearch/index-names";
import { MAX_TRACE_SPANS, type SpanStore } from "../../ports/stores";

/** The OpenSearch query for one trace's spans, earliest first. */
export function traceSearchBody(traceId: string) {
  return {
    size: MAX_TRACE_SPANS,
    sort: [{ start_ms: { order: "asc" } }, { _id: { order: "asc" } }],
    query: { bool: { filter: [{ term: { trace_id: traceId } }] } },
  };
}

/** {@link SpanStore} over the daily `logclaw-spans-*` indices. */
export class OpenSearchSpanStore implements SpanStore {
  constructor(private readonly client: Client) {}

  async trace(traceId: string): Promise<SpanDocument[]> {
    const response = await this.client.search({
      index: SPAN_INDEX_PATTERN,
      ignore_unavailable: true,
      allow_no_indices: true,
      body: traceSearchBody(traceId) as Record<string, unknown>,
    });
    const hits = (response.body.hits.hits ?? []) as unknown as { _id: string; _source: Omit<SpanDocument, "id"> }[];
    return hits.map((hit) => ({ id: hit._id, ...hit._source }));
  }
}
