import { errors } from "@opensearch-project/opensearch";

/** HTTP status of an OpenSearch client error, or null when no response came (connection, timeout). */
export function statusOf(err: unknown): number | null {
  if (err instanceof errors.ResponseError) return err.statusCode ?? err.meta?.statusCode ?? null;
  return null;
}

/** Worth retrying: no answer at all, throttling (429) or a server-side failure (5xx). */
export function isRetriable(err: unknown): boolean {
  const status = statusOf(err);
  if (status === null) return true;
  return status === 429 || status >= 500;
}

/** A short reason label for metrics and logs. */
export function reasonOf(err: unknown): string {
  if (err instanceof errors.ConnectionError) return "connection";
  if (err instanceof errors.TimeoutError) return "timeout";
  if (err instanceof errors.NoLivingConnectionsError) return "no_living_connections";
  const status = statusOf(err);
  if (status !== null) return `http_${status}`;
  return err instanceof Error ? err.name : "unknown";
}

/** The response body of an OpenSearch client error as text (the client's own message is only "Response Error"). */
export function errorBodyText(err: unknown): string {
  if (err instanceof errors.ResponseError) return JSON.stringify(err.meta?.body ?? "");
  return err instanceof Error ? err.message : String(err);
}

/**
 * Creates an index when missing. Create-and-tolerate rather than check-then-create: the service's
 * role may create and write the index but holds no admin read permission, and replicas race.
 */
export async function createIndexIfMissing(create: () => Promise<unknown>): Promise<void> {
  try {
    await create();
  } catch (err) {
    const type = (err as { meta?: { body?: { error?: { type?: string } } } }).meta?.body?.error?.type;
    if (statusOf(err) !== 400 || type !== "resource_already_exists_exception") throw err;
  }
}
