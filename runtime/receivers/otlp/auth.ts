import { createHash, timingSafeEqual } from "node:crypto";

/** The header (HTTP) and metadata key (gRPC) that carries the ingestion key. */
export const API_KEY_HEADER = "x-logclaw-api-key";

export type ApiKeyVerdict = "ok" | "missing" | "wrong";

/** Compares in constant time over fixed-length digests so neither content nor length leaks. */
export function checkApiKey(expected: string | undefined, provided: string | undefined): ApiKeyVerdict {
  if (!expected) return "ok";
  if (!provided) return "missing";
  const a = createHash("sha256").update(expected).digest();
  const b = createHash("sha256").update(provided).digest();
  return timingSafeEqual(a, b) ? "ok" : "wrong";
}
