/**
 * Failure families as words and phrases. Each alternative must match whole words: the patterns are
 * wrapped in \b ... (?![\w]) so "timeout" matches "request timeout" but not "timeouts_total"
 * or "setTimeoutMs", and "crash" does not fire inside "crashpad".
 */

export const FAILURE_FAMILIES = [
  "oom",
  "crash",
  "resource_exhaustion",
  "database",
  "timeout",
  "connection",
  "dependency",
  "auth",
] as const;
export type FailureFamily = (typeof FAILURE_FAMILIES)[number];

/** Families that open an incident on their first error record (the immediate path). */
export const IMMEDIATE_FAMILIES: ReadonlySet<string> = new Set(["oom", "crash", "resource_exhaustion"]);

/**
 * Every alternative starts with a letter, so \b there means "no word character before" (the lookbehind
 * (?<![A-Za-z0-9_]) would say the same): V8 scans a pattern that opens with \b about twice as fast,
 * and these patterns run on every record. An alternative must therefore never start with a non-word character.
 */
const WORD_OPEN = "\\b(?:";
const WORD_CLOSE = ")(?![A-Za-z0-9_])";

function words(...alternatives: string[]): RegExp {
  return new RegExp(`${WORD_OPEN}${alternatives.join("|")}${WORD_CLOSE}`, "i");
}

/** In priority order: the first family that matches names the record (the most specific cause wins). */
const FAMILY_PATTERNS: [FailureFamily, RegExp][] = [
  [
    "oom",
    words(
      "out of memory",
      "outofmemory(?:error)?",
      "oom[- ]?kill(?:ed|er)?",
      "oomkilled",
      "cannot allocate memory",
      "memory limit (?:exceeded|reached)",
      "java heap space",
      "heap out of memory",
      "memoryerror",
    ),
  ],
  [
    "crash",
    words(
      "segmentation fault",
      "sigsegv",
      "sigabrt",
      "core dumped",
      "panic:",
      "fatal error",
      "unhandled exception",
      "uncaught exception",
      "crash(?:ed|ing)?",
      "crashloopbackoff",
      "terminated unexpectedly",
      "exited unexpectedly",
      "exited with (?:code|status) [1-9][0-9]*",
    ),
  ],
  [
    "resource_exhaustion",
    words(
      "too many open files",
      "no space left on device",
      "disk (?:is )?full",
      "(?:connection|thread|worker|db|database) pool (?:is )?exhausted",
      "pool exhausted",
      "resource(?:s)? exhausted",
      "resource_exhausted",
      "max(?:imum)? (?:number of )?connections (?:reached|exceeded)",
      "too many connections",
      "emfile",
      "enospc",
      "out of file descriptors",
    ),
  ],
  [
    "database",
    words(
      "deadlock(?: detected| found)?",
      "sqlstate",
      "sql error",
      "database (?:error|unavailable|is down|connection (?:failed|lost|error))",
      "db (?:error|connection (?:failed|lost|error))",
      "could not connect to (?:the )?(?:database|db|server)",
      "lock wait timeout(?: exceeded)?",
      "too many clients",
      "query (?:failed|error)",
      "ora-[0-9]{5}",
      "mysql server has gone away",
      "transaction (?:rolled back|aborted)",
      "replication (?:lag|broken|error)",
    ),
  ],
  [
    "timeout",
    words(
      "timed out",
      "time(?:d)?-?out",
      "deadline exceeded",
      "deadline_exceeded",
      "gateway timeout",
      "etimedout",
    ),
  ],
  [
    "connection",
    words(
      "connection refused",
      "econnrefused",
      "connection reset(?: by peer)?",
      "econnreset",
      "broken pipe",
      "no route to host",
      "ehostunreach",
      "host unreachable",
      "network (?:is )?unreachable",
      "enotfound",
      "could not resolve host",
      "name resolution failed",
      "connection (?:closed|aborted|lost|dropped) unexpectedly",
      "socket hang up",
      "tls handshake (?:failed|error|timeout)",
    ),
  ],
  [
    "dependency",
    words(
      "upstream (?:connect )?error",
      "upstream (?:service )?(?:failed|unavailable|returned [0-9]{3})",
      "service unavailable",
      "bad gateway",
      "no healthy upstream",
      "circuit(?: breaker)? (?:is )?open(?:ed)?",
      "dependency (?:failed|failure|unavailable|error)",
      "(?:downstream|remote|backend) (?:service )?(?:error|failed|failure|unavailable)",
      "call to [A-Za-z0-9_.-]+ failed",
    ),
  ],
  [
    "auth",
    words(
      "authentication failed",
      "unauthorized",
      "unauthenticated",
      "permission denied",
      "access denied",
      "forbidden",
      "invalid (?:credentials|token|api key|signature)",
      "certificate (?:has )?expired",
      "x509",
      "login failed",
    ),
  ],
];

/** "no timeouts", "0 errors", "without crashing": the family word is negated, not reported. */
const NEGATION_BEFORE = /(?:^|[^A-Za-z0-9_])(?:no|not|0|zero|without|never|non)[ -]+(?:[A-Za-z]+ )?$/i;

export interface FamilyMatch {
  family: FailureFamily;
  phrase: string;
}

/** The most specific failure family named in the text (word/phrase match, negations skipped), or null. */
/** Matches where any family pattern does: one scan rules out the many records that name no failure. */
const ANY_FAMILY = words(...FAMILY_PATTERNS.map(([, pattern]) => pattern.source.slice(WORD_OPEN.length, -WORD_CLOSE.length)));

export function matchFamily(text: string): FamilyMatch | null {
  if (!ANY_FAMILY.test(text)) return null;
  for (const [family, pattern] of FAMILY_PATTERNS) {
    const m = pattern.exec(text);
    if (!m) continue;
    if (NEGATION_BEFORE.test(text.slice(Math.max(0, m.index - 24), m.index))) continue;
    return { family, phrase: m[0].toLowerCase() };
  }
  return null;
}

export type ClientSideKind = "client_error" | "scanner" | "validation" | "expired_credentials";

const SCANNER_PATH =
  /(?:\/wp-(?:admin|login|content|includes)|\/\.env\b|\/\.git\/|phpmyadmin|xmlrpc\.php|\/cgi-bin\/|\/etc\/passwd|\.\.\/|\/actuator\/|\/solr\/|\/boaform|\/hnap1|\.php\b)/i;
const SCANNER_AGENT = /(?:sqlmap|nikto|nmap|masscan|zgrab|gobuster|dirbuster|wpscan|nuclei|acunetix|openvas|censysinspect)/i;
const VALIDATION = words(
  "validation (?:failed|error)",
  "invalid (?:input|request|parameter|argument|field|format|email|payload|json|query|value)",
  "bad request",
  "must (?:not )?be (?:null|empty|blank|a valid [a-z]+|positive)",
  "missing required (?:field|parameter|header)",
  "malformed (?:request|json|payload)",
  "unprocessable entity",
  "constraint violation",
);
const EXPIRED_CREDENTIALS = words(
  "(?:access |refresh |auth |id )?(?:token|jwt|session|credentials?|password|api key|cookie) (?:has |is )?expired",
  "expired (?:access |refresh |auth )?(?:token|jwt|session|credentials?|api key)",
  "jwt expired",
  "token_expired",
  "tokenexpirederror",
);
/** Every EXPIRED_CREDENTIALS alternative contains this word: a literal search rules most records out first. */
const EXPIRED_WORD = /expired/i;
const NOT_FOUND = words("not found", "no such (?:route|page|resource|user|order)");
/** Matches wherever EXPIRED_WORD, VALIDATION or NOT_FOUND does: one scan clears the many messages that name none of them. */
const CLIENT_WORDS = new RegExp(`${EXPIRED_WORD.source}|${VALIDATION.source}|${NOT_FOUND.source}`, "i");

/** Attribute keys that carry the request path or user agent (current and legacy semantic conventions). */
const PATH_KEYS = ["url.path", "http.target", "url.full", "http.url", "http.route"];
const AGENT_KEYS = ["user_agent.original", "http.user_agent"];
/**
 * The scanner pattern for each of those keys. A record is read key by key against this Map: it holds a
 * few attributes (most none), and probing it for all seven keys cost more than the rest of the check.
 */
const SCANNER_TESTS: ReadonlyMap<string, RegExp> = new Map([
  ...AGENT_KEYS.map((key): [string, RegExp] => [key, SCANNER_AGENT]),
  ...PATH_KEYS.map((key): [string, RegExp] => [key, SCANNER_PATH]),
]);

/**
 * Why a record is the client's fault, or null. Client errors (4xx), scanner probes, validation errors
 * and expired credentials are noise for incident detection, however bursty.
 */
export function classifyClientSide(
  message: string,
  httpStatus: number | null,
  attributes: Readonly<Record<string, unknown>>,
): ClientSideKind | null {
  for (const key in attributes) {
    const scanner = SCANNER_TESTS.get(key);
    if (scanner === undefined) continue;
    const v = attributes[key];
    if (typeof v === "string" && scanner.test(v)) return "scanner";
  }
  if (httpStatus !== null && httpStatus >= 500) return null;
  if (!CLIENT_WORDS.test(message)) return httpStatus !== null && httpStatus >= 400 ? "client_error" : null;
  if (EXPIRED_WORD.test(message) && EXPIRED_CREDENTIALS.test(message)) return "expired_credentials";
  if (httpStatus !== null && httpStatus >= 400) return "client_error";
  if (VALIDATION.test(message)) return "validation";
  if (NOT_FOUND.test(message) && SCANNER_PATH.test(message)) return "scanner";
  return null;
}
