import { describe, expect, it } from "vitest";
import { splitPreamble } from "../../../../runtime/bridge/template";
import { classifyLeadingToken, classifyToken, keyOnlyPairEnd, TokenClassifier } from "../../../../runtime/bridge/template/classify";
import { classifyTokens, isAllParameters, parametersOnly, TokenScanner, type Shape } from "../../../../runtime/bridge/template/shape";
import { SHAPE_SEPARATOR, ShapeTrie } from "../../../../runtime/bridge/template/shape-trie";
import { LOGHUB_SYSTEMS, loadLoghub } from "./support/loghub";
import { random } from "../../../support/random";

/** A shape as plain data, so that results are compared by value. */
function plain(result: { shape: Shape; signature: string }): { shape: Shape; signature: string } {
  const { shape, signature } = result;
  return { shape: { keys: [...shape.keys], infos: shape.infos.map((i) => ({ ...i })), values: shape.values && [...shape.values] }, signature };
}

/** The full path on a fresh classifier: what the trie must return for every message. */
function direct(message: string): { shape: Shape; signature: string } {
  let shape = classifyTokens(message, new TokenClassifier(), new TokenScanner());
  if (isAllParameters(shape)) shape = parametersOnly(message, shape.values);
  return plain({ shape, signature: shape.keys.join(SHAPE_SEPARATOR) });
}

/** Messages that share a token sequence but differ in their parameters, quotes, units and pairs. */
const VARIANTS = [
  "payment 60522 authorized amount=22.99",
  "payment 17 authorized amount=3.50",
  "payment 17 authorized amount=abc",
  "payment x17 authorized amount=user",
  "GET /api/search?q=item65 200 9ms",
  "GET /api/search?q=item7 404 12 ms",
  "GET /api/search?q=item7 404 12 KB",
  "Failed password for user root from 10.0.0.1 port 22",
  "Failed password for user admin from 10.0.0.2 port 23",
  "Failed password for user 42 from 10.0.0.2 port 23",
  'tag="View Lock" held by "main thread" for 3 ms',
  'tag="View" held by "main" for 3 ms',
  "onExtend:1514038530000 0 0",
  "onExtend:99 0",
  "sda1 sda2 sda3",
  "sdb1 sdb2",
  "r24=0x0ffea4c8 r25=0x3",
  "1234",
  "12 34 56",
  "[12] (34) {56} done.",
  "[13] (35) {57} done.",
  "state=ACTIVE_RUNNING ok",
  "state=ACTIVE ok",
  "user=alice logged in",
  "user=bob logged in",
  "IRQs 3 4 5",
  "IRQs 3 4",
  "",
  "   ",
];

describe("keyOnlyPairEnd", () => {
  it("finds only pairs that classify as their key with any value", () => {
    const next = random(23);
    const alphabet = "aZk_-$.=:0123456789([{<\"')]}>,;!?/@ ";
    let found = 0;
    for (let n = 0; n < 50_000; n++) {
      const length = 1 + Math.floor(next() * 12);
      let token = next() < 0.5 ? "amount=" : "";
      for (let i = 0; i < length; i++) token += alphabet[Math.floor(next() * alphabet.length)];
      const at = keyOnlyPairEnd(`x ${token} y`, 2, 2 + token.length);
      if (at < 0) continue;
      found++;
      const key = token.slice(0, at - 1);
      expect(classifyToken(token), token).toEqual(classifyToken(`${key}1`));
      expect(classifyLeadingToken(token), token).toEqual(classifyToken(`${key}1`));
    }
    expect(found).toBeGreaterThan(1_000);
    expect(keyOnlyPairEnd("amount=22.99", 0, 12)).toBe(6);
    for (const token of ["amount=", "amount=x", "amount=X1", "amount=(1)", "amount=1,", "a..b=1", "a1=2", "f(x)=1", "a:b=1"]) {
      expect(keyOnlyPairEnd(token, 0, token.length), token).toBe(-1);
    }
  });
});

describe("ShapeTrie [reads ../shared/datasets/loghub-2k]", () => {
  it("returns exactly the full path's shape and signature, on first sight and again", () => {
    const trie = new ShapeTrie(new TokenClassifier());
    const messages = [...VARIANTS, ...LOGHUB_SYSTEMS.flatMap((s) => loadLoghub(s).map((l) => splitPreamble(l.raw).message))];
    for (const round of [1, 2]) {
      for (const message of messages) expect(plain(trie.of(message)), `round ${round}: ${message}`).toEqual(direct(message));
    }
  });

  it("stays exact when it starts over (a small capacity) and when the token memo does", () => {
    const trie = new ShapeTrie(new TokenClassifier(50), 64);
    const messages = [...VARIANTS, ...LOGHUB_SYSTEMS.flatMap((s) => loadLoghub(s).slice(0, 300).map((l) => splitPreamble(l.raw).message))];
    for (const round of [1, 2]) {
      for (const message of messages) expect(plain(trie.of(message)), `round ${round}: ${message}`).toEqual(direct(message));
    }
  });

  it("gives one classification object to tokens that classify alike", () => {
    const classifier = new TokenClassifier();
    expect(classifier.classify("amount=22.99")).toBe(classifier.classify("amount=3.50"));
    expect(classifier.classify("user=alice")).not.toBe(classifier.classify("user=bob"));
    expect(classifier.classify("user=alice").value).toBe("alice");
  });
});
