import type { TenantConfig } from "../../contracts/tenant/schema";

/**
 * Last line of defence before text leaves the tenant (LLM prompt, ticket body): the bridge already
 * redacts logs, but evidence also holds timeline messages and attributes, so every outgoing string
 * passes through here. Patterns follow the tenant's redaction rules; secrets-shaped values
 * (bearer tokens, JWTs, key=value credentials) are always removed.
 */
const RULE_PATTERNS: Record<string, RegExp[]> = {
  email: [/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g],
  creditCard: [/\b(?:\d[ -]?){12,18}\d\b/g],
  token: [
    /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\b/g,
    /\b(?:Bearer|Basic|Token)\s+[A-Za-z0-9._~+\/=-]{8,}/gi,
    /\b(?:xox[abprs]|ghp|gho|github_pat|glpat)[-_][A-Za-z0-9_-]{10,}/g,
  ],
  password: [/\b(pass(?:word|wd)?|pwd|secret)\b(\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s,;&]+)/gi],
  apiKey: [
    /\bsk-[A-Za-z0-9_-]{16,}/g,
    /\bAKIA[0-9A-Z]{16}\b/g,
    /\b(api[_-]?key|access[_-]?key|auth[_-]?token|routing[_-]?key)\b(\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s,;&]+)/gi,
  ],
  ipAddress: [/\b(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}\b/g],
};

const ALWAYS = ["token", "password", "apiKey"];

export type Redactor = (text: string) => string;

export function buildRedactor(redaction: TenantConfig["redaction"] | undefined): Redactor {
  const rules = new Set<string>(ALWAYS);
  if (redaction?.enabled !== false) for (const rule of redaction?.rules ?? ["email", "creditCard"]) rules.add(rule);
  const patterns: { re: RegExp; keyed: boolean }[] = [];
  for (const rule of rules) {
    for (const re of RULE_PATTERNS[rule] ?? []) patterns.push({ re, keyed: re.source.includes("\\s*[=:]\\s*") });
  }
  for (const extra of redaction?.enabled === false ? [] : (redaction?.extraPatterns ?? [])) {
    patterns.push({ re: new RegExp(extra, "g"), keyed: false });
  }
  return (text: string) => {
    let out = text;
    for (const { re, keyed } of patterns) {
      // Keyed patterns keep the key so the reader still sees which credential was present.
      out = keyed ? out.replace(re, (_m, key: string, sep: string) => `${key}${sep}[REDACTED]`) : out.replace(re, "[REDACTED]");
    }
    return out;
  };
}
