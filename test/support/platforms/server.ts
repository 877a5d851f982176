import { readFileSync } from "node:fs";
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { join } from "node:path";

/** One request as the fake platform saw it. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage["headers"];
  /** Parsed JSON body, or the raw text when it is not JSON. */
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- request bodies are arbitrary JSON, checked field by field
  rawBody: string;
  /** `performance.now()` when the request arrived (latency benchmarks). */
  receivedAt: number;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Send the body as text (Slack answers `ok` in plain text). */
  text?: string;
}

/** Injected misbehaviour for the next accepted requests: an error answer or no answer at all. */
export type Fault =
  | { status: number; retryAfter?: string; body?: unknown }
  | { hang: true }
  /** The platform does the work, then the connection drops before the answer: a lost response. */
  | { dropAnswer: true };

/** A request the fake rejected because it does not match the documented shape. */
export class ShapeError extends Error {
  constructor(
    message: string,
    readonly status = 400,
    readonly body?: unknown,
  ) {
    super(message);
  }
}

export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new ShapeError(message);
}

export interface TlsMaterial {
  key: string;
  cert: string;
}

/**
 * A self-signed certificate for 127.0.0.1 (pdjs only speaks https), committed so that no test starts
 * a process to make one. Made with `openssl req -x509 -newkey rsa:2048 -nodes -days 36500
 * -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1`; it protects nothing.
 */
export function selfSignedCert(): TlsMaterial {
  const dir = join(__dirname, "tls");
  return { key: readFileSync(join(dir, "127.0.0.1-key.pem"), "utf8"), cert: readFileSync(join(dir, "127.0.0.1-cert.pem"), "utf8") };
}

/**
 * Base of every fake platform: records requests, replays injected faults (429 with Retry-After,
 * 500, hangs), and lets the subclass check the documented request shape and answer like the
 * platform. Shape violations answer 400 and are kept in `rejected` so tests can assert none.
 */
export abstract class FakePlatform {
  readonly requests: RecordedRequest[] = [];
  readonly rejected: { request: RecordedRequest; reason: string }[] = [];
  readonly faults: Fault[] = [];
  /** While set, every request gets this answer: a platform outage. */
  outage: Fault | null = null;
  /** Requests answered by an injected fault (or left hanging). */
  readonly faulted: RecordedRequest[] = [];
  private server: Server | null = null;
  private readonly hanging = new Set<ServerResponse>();
  private readonly waiters: { count: number; resolve: () => void }[] = [];
  url = "";

  protected abstract route(request: RecordedRequest): Reply;

  /** Requests the platform logic processed and accepted. */
  get accepted(): RecordedRequest[] {
    return this.requests.filter((r) => !this.faulted.includes(r) && !this.rejected.some((x) => x.request === r));
  }

  async start(tls?: TlsMaterial): Promise<this> {
    const handler = (req: IncomingMessage, res: ServerResponse) => void this.handle(req, res);
    this.server = tls ? createHttpsServer(tls, handler) : createHttpServer(handler);
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    const port = (this.server.address() as AddressInfo).port;
    this.url = `${tls ? "https" : "http"}://127.0.0.1:${port}`;
    return this;
  }

  get host(): string {
    return new URL(this.url).host;
  }

  /** Resolves once `count` requests (any outcome) have arrived. */
  waitForRequests(count: number): Promise<void> {
    if (this.requests.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.hanging.clear();
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    this.server = null;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const receivedAt = performance.now();
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString("utf8");
    let body: unknown = rawBody;
    try {
      body = rawBody ? JSON.parse(rawBody) : undefined;
    } catch {
      body = rawBody;
    }
    const url = new URL(req.url ?? "/", "http://fake");
    const request: RecordedRequest = {
      method: req.method ?? "",
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body,
      rawBody,
      receivedAt,
    };
    this.requests.push(request);
    for (const w of this.waiters.filter((w) => this.requests.length >= w.count)) {
      this.waiters.splice(this.waiters.indexOf(w), 1);
      w.resolve();
    }
    // Faults answer before the platform logic runs: the platform did nothing, as in a real outage.
    const fault = this.outage ?? this.faults.shift();
    if (fault && "dropAnswer" in fault) {
      this.faulted.push(request);
      try {
        this.route(request);
      } finally {
        res.destroy();
      }
      return;
    }
    if (fault && "hang" in fault) {
      this.faulted.push(request);
      this.hanging.add(res);
      return;
    }
    if (fault) {
      this.faulted.push(request);
      return this.send(res, {
        status: fault.status,
        body: fault.body ?? { message: "injected fault" },
        headers: fault.retryAfter ? { "Retry-After": fault.retryAfter } : {},
      });
    }
    let reply: Reply;
    try {
      reply = this.route(request);
    } catch (err) {
      if (!(err instanceof ShapeError)) throw err;
      this.rejected.push({ request, reason: err.message });
      reply = { status: err.status, body: err.body ?? { error: err.message } };
    }
    this.send(res, reply);
  }

  private send(res: ServerResponse, reply: Reply): void {
    const headers = { ...reply.headers };
    if (reply.text !== undefined) {
      res.writeHead(reply.status, { "Content-Type": "text/plain", ...headers });
      res.end(reply.text);
      return;
    }
    if (reply.body === undefined) {
      res.writeHead(reply.status, headers);
      res.end();
      return;
    }
    res.writeHead(reply.status, { "Content-Type": "application/json", ...headers });
    res.end(JSON.stringify(reply.body));
  }
}

export function basicAuthHeader(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
}

export function requireJson(request: RecordedRequest): void {
  check(String(request.headers["content-type"] ?? "").startsWith("application/json"), "Content-Type must be application/json");
  check(typeof request.body === "object" && request.body !== null, "body must be a JSON object");
}
