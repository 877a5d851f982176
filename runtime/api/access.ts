import { createHash, timingSafeEqual } from "node:crypto";
import express, { type NextFunction, type Request, type RequestHandler, type Response, type Router } from "express";

/**
 * Access to the HTTP API and the dashboard when a key is configured. A caller proves it holds the key
 * with `Authorization: Bearer <key>`, the OTLP header `x-logclaw-api-key: <key>`, or the session
 * cookie the login page sets (a browser's EventSource cannot send headers). The cookie holds a digest
 * of the key, never the key, and lives for the browser session only.
 */
export const SESSION_COOKIE = "logclaw_session";
const KEY_HEADER = "x-logclaw-api-key";

function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}

function sessionValue(key: string): string {
  return digest(`logclaw-session\u0000${key}`).toString("hex");
}

/** Constant time over fixed-length digests: neither content nor length leaks. */
function same(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

function cookieOf(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

/** True when the request carries the key (any of the three forms). */
export function isAuthorized(req: Request, key: string): boolean {
  const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
  if (bearer !== undefined && same(bearer, key)) return true;
  const header = req.headers[KEY_HEADER];
  if (typeof header === "string" && same(header, key)) return true;
  const cookie = cookieOf(req, SESSION_COOKIE);
  return cookie !== undefined && same(cookie, sessionValue(key));
}

export function refuse(res: Response): void {
  res.status(401).set("WWW-Authenticate", 'Bearer realm="logclaw"').json({ error: "missing or invalid API key (Authorization: Bearer <key>, x-logclaw-api-key, or log in at /login)" });
}

/**
 * Guards everything after it: `open` paths (probes, metrics, the login page) pass; a browser asking
 * for a page goes to the login page; any other request without the key gets 401.
 */
export function createAccessGate(key: string, open: readonly string[]): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (open.includes(req.path) || isAuthorized(req, key)) {
      next();
      return;
    }
    if (req.method === "GET" && !req.path.startsWith("/api/") && req.accepts(["html", "json"]) === "html") {
      res.redirect(302, `/login?next=${encodeURIComponent(req.originalUrl)}`);
      return;
    }
    refuse(res);
  };
}

/** Only same-site paths: `next=//evil.example` or `next=https://…` would make the login an open redirect. */
function safeNext(value: unknown): string {
  return typeof value === "string" && value.startsWith("/") && !value.startsWith("//") && !value.startsWith("/\\") ? value : "/";
}

function loginPage(next: string, failed: boolean): string {
  const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>LogClaw: log in</title><link rel="stylesheet" href="/assets/styles.css"></head>
<body><main class="login">
<h1>LogClaw</h1>
<form method="post" action="/login">
<label for="key">API key</label>
<input id="key" name="key" type="password" autocomplete="current-password" required autofocus>
<input type="hidden" name="next" value="${esc(next)}">
${failed ? '<p class="error" role="alert">That key is not the one this LogClaw was started with.</p>' : ""}
<button type="submit">Log in</button>
<p class="hint">The key given to <code>logclaw start --api-key</code> (or <code>LOGCLAW_API_KEY</code>); kept for this browser session.</p>
</form></main></body></html>`;
}

/** `GET /login` (the form), `POST /login` (sets the session cookie), `POST /logout`. */
export function createLoginRouter(key: string): Router {
  const router = express.Router();
  router.get("/login", (req, res) => {
    res.type("html").send(loginPage(safeNext(req.query.next), req.query.failed === "1"));
  });
  router.post("/login", express.urlencoded({ extended: false, limit: "8kb" }), (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const next = safeNext(body.next);
    if (typeof body.key !== "string" || !same(body.key, key)) {
      res.redirect(303, `/login?failed=1&next=${encodeURIComponent(next)}`);
      return;
    }
    // No Max-Age/Expires: the cookie ends with the browser session. Strict: no cross-site request carries it.
    res.cookie(SESSION_COOKIE, sessionValue(key), { httpOnly: true, sameSite: "strict", path: "/" });
    res.redirect(303, next);
  });
  router.post("/logout", (_req, res) => {
    res.clearCookie(SESSION_COOKIE, { path: "/" });
    res.redirect(303, "/login");
  });
  return router;
}
