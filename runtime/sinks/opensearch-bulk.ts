import type { Client } from "@opensearch-project/opensearch";
import type { LogDocument, SpanDocument } from "../../contracts/records";
import { isRetriable, reasonOf } from "../store/opensearch/errors";
import { documentSource } from "../store/opensearch/log-store";
import { logIndexName, spanIndexName } from "../../contracts/opensearch/index-names";
import { retryWithBackoff, type BackoffPolicy } from "./backoff";

/** A document OpenSearch refused for good (mapping conflict, bad value): it goes to `dead-letter`. */
export interface RejectedDocument<T = LogDocument> {
  doc: T;
  reason: string;
}

export interface BulkWriteResult<T = LogDocument> {
  indexed: number;
  rejected: RejectedDocument<T>[];
}

/** What the bulk writer needs of a document: a deterministic id and a `@timestamp` naming its daily index. */
interface DailyDocument {
  id: string;
  "@timestamp": string;
}

export interface BulkSinkOptions {
  /** Documents per bulk request. */
  maxDocsPerRequest: number;
  backoff: BackoffPolicy;
  /** Counts each retry with its reason and keeps the caller alive (heartbeats) while waiting. */
  onRetry: (reason: string, attempt: number) => void | Promise<void>;
}

interface BulkItem {
  index?: { _id: string; status: number; error?: { type: string; reason?: string } };
}

class PartialBulkFailure extends Error {
  constructor(readonly reason: string) {
    super(`bulk items failed: ${reason}`);
  }
}

function bulkBody<T extends DailyDocument>(docs: T[], indexName: (timestamp: string) => string): Array<Record<string, unknown>> {
  const body: Array<Record<string, unknown>> = [];
  for (const doc of docs) {
    body.push({ index: { _index: indexName(doc["@timestamp"]), _id: doc.id } });
    body.push(documentSource(doc));
  }
  return body;
}

function itemRetriable(status: number): boolean {
  return status === 429 || status >= 500;
}

/** Log documents into `logclaw-logs-YYYY.MM.dd` (see {@link writeDailyDocuments}). */
export function writeLogDocuments(client: Client, docs: LogDocument[], options: BulkSinkOptions, signal?: AbortSignal): Promise<BulkWriteResult> {
  return writeDailyDocuments(client, docs, logIndexName, options, signal);
}

/** Span documents into `logclaw-spans-YYYY.MM.dd` (see {@link writeDailyDocuments}). */
export function writeSpanDocuments(client: Client, spans: SpanDocument[], options: BulkSinkOptions, signal?: AbortSignal): Promise<BulkWriteResult<SpanDocument>> {
  return writeDailyDocuments(client, spans, spanIndexName, options, signal);
}

/**
 * Indexes documents into daily indices with their deterministic ids (`index` replaces: a replay
 * never duplicates). Whole-request failures and retriable item failures (429, 5xx) are retried with
 * backoff until they succeed or the signal aborts; items OpenSearch refuses for good are returned.
 */
async function writeDailyDocuments<T extends DailyDocument>(
  client: Client,
  docs: T[],
  indexName: (timestamp: string) => string,
  options: BulkSinkOptions,
  signal?: AbortSignal,
): Promise<BulkWriteResult<T>> {
  const rejected: RejectedDocument<T>[] = [];
  let indexed = 0;
  for (let start = 0; start < docs.length; start += options.maxDocsPerRequest) {
    let pending = docs.slice(start, start + options.maxDocsPerRequest);
    await retryWithBackoff(
      async () => {
        const response = await client.bulk({ body: bulkBody(pending, indexName) });
        const items = (response.body as { items: BulkItem[] }).items;
        const retry: T[] = [];
        let retryReason = "";
        items.forEach((item, i) => {
          const result = item.index;
          const doc = pending[i];
          if (!result || !doc) return;
          if (result.status < 300) {
            indexed += 1;
          } else if (itemRetriable(result.status)) {
            retry.push(doc);
            retryReason = `item_${result.error?.type ?? result.status}`;
          } else {
            rejected.push({ doc, reason: `opensearch_rejected: ${result.error?.type ?? result.status}: ${result.error?.reason ?? ""}`.trim() });
          }
        });
        pending = retry;
        if (retry.length > 0) throw new PartialBulkFailure(retryReason);
      },
      {
        policy: options.backoff,
        signal,
        retriable: (err) => err instanceof PartialBulkFailure || isRetriable(err),
        onRetry: (err, attempt) => options.onRetry(err instanceof PartialBulkFailure ? err.reason : reasonOf(err), attempt),
      },
    );
  }
  return { indexed, rejected };
}
