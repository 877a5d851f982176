import { readFileSync } from "node:fs";
import { Client } from "@opensearch-project/opensearch";

/** How to reach the tenant's OpenSearch cluster (from `LOGCLAW_OPENSEARCH_*`). */
export interface OpenSearchConnection {
  url: string;
  username?: string;
  password?: string;
  /** PEM bundle trusted for the cluster's TLS certificate (the operator's CA). */
  caFile?: string;
  /** Per-request timeout; bulk requests of a full batch stay well under the default. */
  requestTimeoutMs?: number;
}

/**
 * One client per process. Client-level retries are off: callers retry whole operations with their
 * own backoff and count every retry with its reason.
 */
export function createOpenSearchClient(connection: OpenSearchConnection): Client {
  return new Client({
    node: connection.url,
    auth:
      connection.username !== undefined
        ? { username: connection.username, password: connection.password ?? "" }
        : undefined,
    ssl: connection.caFile ? { ca: readFileSync(connection.caFile) } : undefined,
    maxRetries: 0,
    requestTimeout: connection.requestTimeoutMs ?? 30_000,
  });
}
