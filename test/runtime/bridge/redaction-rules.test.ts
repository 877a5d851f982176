import { describe, expect, it } from "vitest";
import { charactersOf, mayMatch, RULES } from "../../../runtime/bridge/redact/redactor";
import { random } from "../../support/random";

/** Pieces of what each rule looks for, near misses and glue. */
const PIECES = [
  "10.0.0.1", "192.168.001.254", "1.2.3", "1.2.3.4.5", "v1.2.3.4", "999.1.1.1", "1..2.3.4", "1. 2.3.4", ".", "..", "0", "7", "255",
  "jane.doe@example.com", "@", "a@b.co", "4111 1111 1111 1111", "4111-1111-1111-1111", "4111111111111111", "1234567890123", "-", " ",
  "Bearer abc.def", "bearer", "BEARER x", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig", "eyJ", "password=hunter2", "pwd: x", "token:",
  "=", ":", "\"", "'", "api_key", "x-api-key=1", "postgres://app:s3cret@db:5432/x", "://", "AKIAIOSFODNN7EXAMPLE", "ASIA", "AKIA",
  "sk-abcdefghijklmnopqrstuvwxyz", "sk-", "ghp_abcdefghijklmnopqrstuvwxyz0123456789", "gh", "_", "xoxb-1234567890-abc", "xox",
  "AIzaSyA-abcdefghijklmnopqrstuvwxyz012345", "AIza", "A", "J", "x", "b", "B", "\u00e9", "\u65e5", "\t", "\n",
];

function fuzzText(next: () => number): string {
  const parts: string[] = [];
  const count = 1 + Math.floor(next() * 8);
  for (let i = 0; i < count; i++) {
    const r = next();
    if (r < 0.6) parts.push(PIECES[Math.floor(next() * PIECES.length)]);
    else if (r < 0.8) parts.push(String(Math.floor(next() * 1000)));
    else parts.push(Math.floor(next() * 36 ** 3).toString(36));
  }
  return parts.join(next() < 0.5 ? "" : next() < 0.5 ? " " : ".");
}

describe("redaction rule prefilters", () => {
  it("never skip a rule whose expression matches (fuzzed text of the rules' own pieces)", () => {
    const next = random(17);
    const texts = [...PIECES, ...Array.from({ length: 20_000 }, () => fuzzText(next))];
    let matched = 0;
    for (const text of texts) {
      const has = charactersOf(text);
      for (const replacements of Object.values(RULES)) {
        for (const r of replacements) {
          r.pattern.lastIndex = 0;
          if (!r.pattern.test(text)) continue;
          // The card rule is tried only on text with four digits in a row too (a card written a digit per group stays as is).
          if (r === RULES.creditCard[0] && !/\d{4}/.test(text)) continue;
          matched++;
          expect(mayMatch(r, text, has), `${r.pattern} on ${JSON.stringify(text)}`).toBe(true);
        }
      }
    }
    // The fuzz reaches every rule often, or it proves nothing.
    expect(matched).toBeGreaterThan(5_000);
  });

  it("let most text without the rules' characters through at once", () => {
    for (const text of [
      "POST /api/login 200 7ms",
      "journal entry 68438 committed",
      "GET",
      "upstream 5f2a0c9e1b3d4a77",
      "parent 9be1c3d6f0a4b2e8",
      "checkout-api",
      "ok_to_retry",
    ]) {
      const has = charactersOf(text);
      expect(Object.values(RULES).flat().filter((r) => mayMatch(r, text, has))).toEqual([]);
    }
  });
});
