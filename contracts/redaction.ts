/**
 * PII and credential redaction rules (the tenant file's `redaction` section). The bridge applies the
 * tenant's rules to every log before it is stored; text that leaves the tenant (LLM prompts, ticket
 * bodies) additionally always loses credentials. runtime/bridge/redact/redactor.ts is the one
 * implementation of these rules.
 */
export const REDACTION_RULES = ["email", "creditCard", "token", "password", "apiKey", "ipAddress"] as const;
export type RedactionRule = (typeof REDACTION_RULES)[number];

export interface RedactionConfig {
  enabled: boolean;
  rules: readonly RedactionRule[];
  /** Extra regular expressions (JavaScript syntax) whose matches are replaced. */
  extraPatterns: readonly string[];
}

export const DEFAULT_REDACTION: RedactionConfig = {
  enabled: true,
  rules: ["email", "creditCard", "token", "password", "apiKey"],
  extraPatterns: [],
};

/** Rules applied to every outgoing text whatever the tenant configured: credentials never leave. */
export const CREDENTIAL_RULES: readonly RedactionRule[] = ["token", "password", "apiKey"];
