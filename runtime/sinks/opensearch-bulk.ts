import type { Client } from "@opensearch-project/opensearch";
import type { LogDocument, SpanDocument } from "../../contracts/records";
import { isRetriable, reasonOf } from "../store/opensearch/errors";
import { logIndexName, spanIndexName } from "../../contracts/opensearch/index-names";
import { retryWithBackoff, type BackoffPolicy } from "./backoff";
import { DocumentJson } from "./document-json";

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
  /** Upper bound on documents per bulk request. */
  maxDocsPerRequest: number;
  /**
   * Upper bound on a bulk request's body in bytes (a single larger document goes alone): requests stay
   * near OpenSearch's efficient size whatever the documents weigh. Default {@link DEFAULT_BULK_MAX_BYTES}.
   */
  maxBytesPerRequest?: number;
  /** Bulk requests in flight at once; default 1. Every one must succeed before the call returns. */
  maxInFlight?: number;
  backoff: BackoffPolicy;
  /** Counts each retry with its reason and keeps the caller alive (heartbeats) while waiting. */
  onRetry: (reason: string, attempt: number) => void | Promise<void>;
  /** The batch's document texts, when another writer (enriched-logs) serializes the same documents. */
  json?: DocumentJson;
}

/** 5 MiB: OpenSearch's guidance for bulk bodies is 5-15 MB; the low end keeps a retried request cheap. */
export const DEFAULT_BULK_MAX_BYTES = 5 * 1024 * 1024;

interface BulkItem {
  index?: { _id: string; status: number; error?: { type: string; reason?: string } };
}

class PartialBulkFailure extends Error {
  constructor(readonly reason: string) {
    super(`bulk items failed: ${reason}`);
  }
}

/** A document with its two bulk lines, serialized once (the byte size is measured on them). */
interface BulkEntry<T> {
  doc: T;
  lines: string;
}

function entryOf<T extends DailyDocument>(doc: T, indexName: (timestamp: string) => string, json: DocumentJson): BulkEntry<T> {
  // Index names carry no character JSON escapes; the id is escaped like any string.
  return { doc, lines: `{"index":{"_index":"${indexName(doc["@timestamp"])}","_id":${JSON.stringify(doc.id)}}}\n${json.sourceOf(doc)}` };
}

/**
 * The daily index of each timestamp, named once per UTC day: the pipeline writes `@timestamp` as
 * UTC ISO-8601 (`YYYY-MM-DDTHH:mm:ss.sssZ`), whose first ten characters are the day. Anything else
 * is parsed in full.
 */
function dailyIndexNamer(indexName: (timestamp: string) => string): (timestamp: string) => string {
  const byDay = new Map<string, string>();
  return (timestamp) => {
    if (timestamp.length !== 24 || timestamp[10] !== "T" || timestamp[23] !== "Z") return indexName(timestamp);
    const day = timestamp.slice(0, 10);
    let name = byDay.get(day);
    if (name === undefined) {
      name = indexName(timestamp);
      byDay.set(day, name);
    }
    return name;
  };
}

/** Splits entries into requests bounded by documents and bytes, in order. */
export function chunkRequests<T>(entries: readonly T[], sizeOf: (entry: T) => number, maxDocs: number, maxBytes: number): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const entry of entries) {
    const size = sizeOf(entry);
    if (current.length > 0 && (current.length >= maxDocs || bytes + size > maxBytes)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entry);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

function itemRetriable(status: number): boolean {
  return status === 429 || status >= 500;
}

/** One bulk request, retried (whole, or its retriable items) until it succeeds or the signal aborts. */
async function writeChunk<T>(client: Client, chunk: BulkEntry<T>[], options: BulkSinkOptions, signal: AbortSignal | undefined): Promise<BulkWriteResult<T>> {
  const rejected: RejectedDocument<T>[] = [];
  let indexed = 0;
  let pending = chunk;
  await retryWithBackoff(
    async () => {
      // The lines are serialized already: the client sends a string body as it is (its types only
      // describe the object form it would serialize itself).
      const body = `${pending.map((e) => e.lines).join("\n")}\n`;
      // Only what is read below comes back: an item's status and error, not its index, version and shards.
      const response = await client.bulk({ body: body as unknown as Parameters<Client["bulk"]>[0]["body"], filter_path: "items.*.status,items.*.error" });
      const items = (response.body as { items?: BulkItem[] }).items;
      // One answer per document, in order, or nothing can be told apart: the batch is consumed again.
      if (!Array.isArray(items) || items.length !== pending.length) throw new Error(`bulk answer holds ${items?.length ?? 0} items for ${pending.length} documents`);
      const retry: BulkEntry<T>[] = [];
      let retryReason = "";
      items.forEach((item, i) => {
        const result = item.index;
        const entry = pending[i];
        if (!result || !entry) return;
        if (result.status < 300) {
          indexed += 1;
        } else if (itemRetriable(result.status)) {
          retry.push(entry);
          retryReason = `item_${result.error?.type ?? result.status}`;
        } else {
          rejected.push({ doc: entry.doc, reason: `opensearch_rejected: ${result.error?.type ?? result.status}: ${result.error?.reason ?? ""}`.trim() });
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
  return { indexed, rejected };
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
 * never duplicates), in requests bounded by documents and bytes with up to `maxInFlight` of them at
 * once. Whole-request failures and retriable item failures (429, 5xx) are retried with backoff until
 * they succeed or the signal aborts; items OpenSearch refuses for good are returned. The call
 * resolves only when every request succeeded, and rejects (after the requests in flight ended) when
 * one failed for good: the caller acknowledges its source only on success, so delivery stays at
 * least once.
 */
async function writeDailyDocuments<T extends DailyDocument>(
  client: Client,
  docs: T[],
  indexName: (timestamp: string) => string,
  options: BulkSinkOptions,
  signal?: AbortSignal,
): Promise<BulkWriteResult<T>> {
  const json = options.json ?? new DocumentJson();
  const nameOf = dailyIndexNamer(indexName);
  const entries = docs.map((doc) => entryOf(doc, nameOf, json));
  const chunks = chunkRequests(entries, (e) => Buffer.byteLength(e.lines) + 2, options.maxDocsPerRequest, options.maxBytesPerRequest ?? DEFAULT_BULK_MAX_BYTES);
  const results: BulkWriteResult<T>[] = new Array(chunks.length);
  let next = 0;
  let failure: { err: unknown } | null = null;
  const worker = async () => {
    while (failure === null && next < chunks.length) {
      const k = next++;
      try {
        results[k] = await writeChunk(client, chunks[k], options, signal);
      } catch (err) {
        failure ??= { err };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, options.maxInFlight ?? 1), chunks.length) }, worker));
  if (failure !== null) throw (failure as { err: unknown }).err;
  // Rejections in document order, whatever order the requests finished in.
  return { indexed: results.reduce((n, r) => n + r.indexed, 0), rejected: results.flatMap((r) => r.rejected) };
}
