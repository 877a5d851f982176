import { createInterface } from "node:readline";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { readLines } from "../../../runtime/cli/lines";

async function collect(lines: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const line of lines) out.push(line);
  return out;
}

/** What node:readline (crlfDelay Infinity, over a utf8-decoding stream) makes of the same chunks. */
function viaReadline(chunks: Buffer[]): Promise<string[]> {
  const stream = Readable.from(chunks.map((c) => Buffer.from(c))).setEncoding("utf8");
  return collect(createInterface({ input: stream, crlfDelay: Infinity }));
}

/** Cuts `bytes` into non-empty chunks at the given offsets (a file stream never yields an empty one). */
function chunksOf(bytes: Buffer, cuts: number[]): Buffer[] {
  const at = [0, ...new Set(cuts.filter((c) => c > 0 && c < bytes.length))].sort((a, b) => a - b);
  at.push(bytes.length);
  return at.slice(1).map((end, i) => bytes.subarray(at[i], end));
}

describe("readLines", () => {
  it("splits at \\n, \\r\\n and a lone \\r, keeps empty lines, and counts a last line without a break", async () => {
    const bytes = Buffer.from('{"a":1}\n\r\nb\rc\r\n\n€uro\nlast');
    expect(await collect(readLines(Readable.from([bytes])))).toEqual(['{"a":1}', "", "b", "c", "", "€uro", "last"]);
  });

  it("joins a line and a \\r\\n break cut across chunks, and a multi-byte character cut in two", async () => {
    const bytes = Buffer.from("first\r\nsécond line\nthird");
    const cuts = [5, 6, bytes.indexOf("é") + 1, 12];
    expect(await collect(readLines(Readable.from(chunksOf(bytes, cuts))))).toEqual(["first", "sécond line", "third"]);
  });

  it("gives exactly what readline gives for any text and any chunking", async () => {
    // A seeded generator: the same cases every run.
    let seed = 20261207;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const alphabet = ["a", "{", '"', " ", "\n", "\r", "\r\n", "é", "€", "𝄞", "\t"];
    for (let c = 0; c < 300; c++) {
      let text = "";
      const length = next(60);
      for (let i = 0; i < length; i++) text += alphabet[next(alphabet.length)];
      const bytes = Buffer.from(text, "utf8");
      const cuts = Array.from({ length: next(6) }, () => next(bytes.length + 1));
      const chunks = chunksOf(bytes, cuts);
      expect(await collect(readLines(Readable.from(chunks))), JSON.stringify({ text, cuts })).toEqual(await viaReadline(chunks));
    }
  });

  it("reads string chunks too (a stream with an encoding set)", async () => {
    expect(await collect(readLines(Readable.from(["x\ny", "z\n"])))).toEqual(["x", "yz"]);
  });
});
