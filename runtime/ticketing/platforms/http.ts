import { DeliveryError, isRetryableStatus, parseRetryAfter } from "./errors";

export interface HttpRequest {
  method: "GET" | "POST" | "PUT" | "PATCH";
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
  timeoutMs: number;
}

export interface HttpResponse {
  status: number;
  text: string;
  json: unknown;
}

export function basicAuth(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
}

/**
 * One JSON request with a hard timeout; any non-2xx becomes a {@link DeliveryError} classified for
 * the outbox (with the platform's Retry-After), so platform clients only describe their calls.
 */
export async function sendJson(request: HttpRequest): Promise<HttpResponse> {
  let response: Response;
  try {
    response = await fetch(request.url, {
      method: request.method,
      headers: {
        Accept: "application/json",
        ...(request.body === undefined ? {} : { "Content-Type": "application/json" }),
        ...request.headers,
      },
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
      signal: AbortSignal.timeout(request.timeoutMs),
    });
  } catch (err) {
    const name = (err as Error).name;
    if (name === "TimeoutError" || name === "AbortError") {
      throw new DeliveryError(`${request.method} ${redactUrl(request.url)} timed out after ${request.timeoutMs} ms`, true, "timeout");
    }
    throw new DeliveryError(`${request.method} ${redactUrl(request.url)} failed: ${(err as Error).message}`, true, "network");
  }
  let text: string;
  try {
    text = await response.text();
  } catch (err) {
    throw new DeliveryError(`reading the answer of ${redactUrl(request.url)} failed: ${(err as Error).message}`, true, "network");
  }
  if (response.status < 200 || response.status >= 300) {
    throw new DeliveryError(
      `${request.method} ${redactUrl(request.url)} answered ${response.status}: ${text.slice(0, 300)}`,
      isRetryableStatus(response.status),
      `http_${response.status}`,
      parseRetryAfter(response.headers.get("retry-after"), Date.now()),
    );
  }
  let json: unknown = null;
  if (text.length > 0) {
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
  }
  return { status: response.status, text, json };
}

/** Slack webhook URLs are secrets in their path: errors and logs show only the origin. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return u.hostname.endsWith("hooks.slack.com") || u.pathname.startsWith("/services/") ? `${u.origin}/…` : `${u.origin}${u.pathname}`;
  } catch {
    return "<invalid url>";
  }
}
