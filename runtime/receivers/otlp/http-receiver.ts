import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { gunzip, inflate } from "node:zlib";
import { promisify } from "node:util";
import type { Logger } from "pino";
import { OtlpDecodeError } from "../../bridge/decode/decode-error";
import { API_KEY_HEADER, checkApiKey } from "./auth";
import type { ReceiverMetrics, RefusalReason } from "./metrics";
import { encodeExportResponse, encodeRpcStatus, RPC_CODE } from "./responses";
import { EMPTY_EXPORT_RESULT, isEmptyExportRequest, ReceiverOverloadedError, type OtlpEncoding, type OtlpSignal, type OtlpSink } from "./sink";

const gunzipAsync = promisify(gunzip);
const inflateAsync = promisify(inflate);

export const OTLP_LOGS_PATH = "/v1/logs";
export const OTLP_TRACES_PATH = "/v1/traces";
/** Path -> signal: the OTLP/HTTP default paths of the signals LogClaw takes. */
const SIGNAL_PATHS: ReadonlyMap<string, OtlpSignal> = new Map([
  [OTLP_LOGS_PATH, "logs"],
  [OTLP_TRACES_PATH, "traces"],
]);

export interface OtlpReceiverLimits {
  /** Largest request body on the wire (compressed), in bytes. */
  maxRequestBytes: number;
  /** Largest body after decompression, in bytes; bounds what a small gzip bomb can cost. */
  maxDecompressedBytes: number;
  /** Requests handled at once; beyond it the receiver answers 503 with Retry-After. */
  maxInFlight: number;
  /** Seconds a refused-for-load client is told to wait. */
  retryAfterSeconds: number;
}

export interface OtlpHttpReceiverOptions {
  host: string;
  /** 0 picks a free port; the bound one is on the returned handle. */
  port: number;
  /** When set, requests must carry it in `x-logclaw-api-key`. */
  apiKey?: string;
  limits: OtlpReceiverLimits;
}

export interface RunningReceiver {
  port: number;
  /** Stops accepting, waits for requests in progress to be answered. */
  close(): Promise<void>;
}

const CONTENT_TYPES: Record<OtlpEncoding, string> = { json: "application/json", protobuf: "application/x-protobuf" };

/** Media type -> encoding; OTLP/HTTP defines exactly these two. */
function encodingOf(contentType: string | undefined): OtlpEncoding | null {
  const mediaType = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  if (mediaType === "application/x-protobuf" || mediaType === "application/protobuf") return "protobuf";
  if (mediaType === "application/json") return "json";
  return null;
}

class RefusedError extends Error {
  constructor(
    readonly status: number,
    readonly reason: RefusalReason,
    readonly rpcCode: number,
    message: string,
  ) {
    super(message);
  }
}

async function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      throw new RefusedError(413, "oversized", RPC_CODE.RESOURCE_EXHAUSTED, `request body exceeds ${maxBytes} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

async function decompress(body: Buffer, contentEncoding: string | undefined, maxBytes: number): Promise<Buffer> {
  const coding = (contentEncoding ?? "identity").trim().toLowerCase();
  if (coding === "identity" || coding === "") return body;
  if (coding !== "gzip" && coding !== "deflate") {
    throw new RefusedError(415, "unsupported_media_type", RPC_CODE.INVALID_ARGUMENT, `unsupported content-encoding ${coding}`);
  }
  try {
    return await (coding === "gzip" ? gunzipAsync : inflateAsync)(body, { maxOutputLength: maxBytes });
  } catch (err) {
    if (err instanceof RangeError || (err as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE") {
      throw new RefusedError(413, "oversized", RPC_CODE.RESOURCE_EXHAUSTED, `decompressed body exceeds ${maxBytes} bytes`);
    }
    throw new RefusedError(400, "malformed", RPC_CODE.INVALID_ARGUMENT, `body is not valid ${coding}: ${(err as Error).message}`);
  }
}

/**
 * OTLP/HTTP receiver (https://opentelemetry.io/docs/specs/otlp/#otlphttp): `POST /v1/logs` and
 * `POST /v1/traces`, binary protobuf or JSON, optional gzip; answers in the request's content type
 * with the signal's export response (200, partial success for rejected records or spans) or a
 * `google.rpc.Status` (400 malformed, 401/403 key, 413 too large, 503 + Retry-After when overloaded).
 * Both signals share every check, limit and answer.
 */
export function startOtlpHttpReceiver(
  options: OtlpHttpReceiverOptions,
  sink: OtlpSink,
  metrics: ReceiverMetrics,
  logger: Logger,
): Promise<RunningReceiver> {
  const { limits } = options;
  let inFlight = 0;

  function send(res: ServerResponse, status: number, encoding: OtlpEncoding, body: Uint8Array, headers: Record<string, string> = {}): void {
    res.writeHead(status, { "content-type": CONTENT_TYPES[encoding], "content-length": String(body.length), ...headers });
    res.end(body);
  }

  function refuse(req: IncomingMessage, res: ServerResponse, encoding: OtlpEncoding, err: RefusedError, retryAfter?: number): void {
    metrics.refused("http", err.reason);
    logger.debug({ reason: err.reason, status: err.status, remote: req.socket.remoteAddress }, err.message);
    const headers: Record<string, string> = {};
    if (retryAfter !== undefined) headers["retry-after"] = String(retryAfter);
    // An unread body would otherwise have to be drained before the connection could be reused.
    if (!req.complete) headers.connection = "close";
    send(res, err.status, encoding, encodeRpcStatus(err.rpcCode, err.message, encoding), headers);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://receiver");
    const encoding = encodingOf(req.headers["content-type"]);
    const answerEncoding = encoding ?? "json";
    if (req.method === "OPTIONS") {
      // Browser SDKs preflight cross-origin exports.
      res.writeHead(204, {
        "access-control-allow-origin": "*",
        "access-control-allow-methods": "POST",
        "access-control-allow-headers": `content-type, content-encoding, ${API_KEY_HEADER}`,
        "access-control-max-age": "600",
      });
      res.end();
      return;
    }
    const signal = SIGNAL_PATHS.get(url.pathname);
    if (!signal) {
      return refuse(
        req,
        res,
        answerEncoding,
        new RefusedError(404, "not_found", RPC_CODE.UNIMPLEMENTED, `no OTLP signal at ${url.pathname}; logs go to ${OTLP_LOGS_PATH}, traces to ${OTLP_TRACES_PATH}`),
      );
    }
    if (req.method !== "POST") {
      return refuse(req, res, answerEncoding, new RefusedError(405, "method_not_allowed", RPC_CODE.UNIMPLEMENTED, `${req.method} is not allowed; use POST`));
    }
    if (!encoding) {
      return refuse(req, res, "json", new RefusedError(415, "unsupported_media_type", RPC_CODE.INVALID_ARGUMENT, `unsupported content-type ${req.headers["content-type"] ?? "(none)"}; use application/x-protobuf or application/json`));
    }
    const rawKey = req.headers[API_KEY_HEADER];
    const verdict = checkApiKey(options.apiKey, Array.isArray(rawKey) ? rawKey[0] : rawKey);
    if (verdict === "missing") {
      return refuse(req, res, encoding, new RefusedError(401, "unauthenticated", RPC_CODE.UNAUTHENTICATED, `missing ${API_KEY_HEADER} header`));
    }
    if (verdict === "wrong") {
      return refuse(req, res, encoding, new RefusedError(403, "forbidden", RPC_CODE.PERMISSION_DENIED, `wrong ${API_KEY_HEADER}`));
    }
    const declared = Number(req.headers["content-length"] ?? 0);
    if (declared > limits.maxRequestBytes) {
      return refuse(req, res, encoding, new RefusedError(413, "oversized", RPC_CODE.RESOURCE_EXHAUSTED, `request body of ${declared} bytes exceeds ${limits.maxRequestBytes}`));
    }
    if (inFlight >= limits.maxInFlight) {
      return refuse(req, res, encoding, new RefusedError(503, "overloaded", RPC_CODE.UNAVAILABLE, "receiver busy, retry later"), limits.retryAfterSeconds);
    }
    inFlight += 1;
    try {
      const body = await decompress(await readBody(req, limits.maxRequestBytes), req.headers["content-encoding"], limits.maxDecompressedBytes);
      const result = isEmptyExportRequest(body, encoding) ? EMPTY_EXPORT_RESULT : await sink.export(signal, body, encoding, `otlp-http:${req.socket.remoteAddress ?? "unknown"}`);
      metrics.exported("http", signal, result.accepted, result.rejected);
      send(res, 200, encoding, encodeExportResponse(result, encoding, signal));
    } catch (err) {
      if (err instanceof RefusedError) return refuse(req, res, encoding, err);
      if (err instanceof OtlpDecodeError) {
        return refuse(req, res, encoding, new RefusedError(400, "malformed", RPC_CODE.INVALID_ARGUMENT, err.message));
      }
      if (err instanceof ReceiverOverloadedError) {
        return refuse(req, res, encoding, new RefusedError(503, "overloaded", RPC_CODE.UNAVAILABLE, err.message), err.retryAfterSeconds);
      }
      logger.error({ err }, "OTLP/HTTP export failed");
      // 503 is retryable per OTLP: the client keeps the batch instead of dropping it.
      return refuse(req, res, encoding, new RefusedError(503, "internal", RPC_CODE.UNAVAILABLE, "internal error, retry later"), limits.retryAfterSeconds);
    } finally {
      inFlight -= 1;
    }
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      logger.error({ err }, "OTLP/HTTP handler crashed");
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  server.keepAliveTimeout = 30_000;

  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeIdleConnections();
          }),
      });
    });
  });
}
