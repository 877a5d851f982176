import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openInput } from "../../../runtime/cli/input";
import { readLines } from "../../../runtime/cli/lines";

const dir = mkdtempSync(join(tmpdir(), "logclaw-input-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function linesOf(file: string): Promise<string[]> {
  const out: string[] = [];
  for await (const line of readLines(openInput("replay", file))) out.push(line);
  return out;
}

describe("openInput", () => {
  it("reads a file of several chunks: lines cut across chunk boundaries come out whole", async () => {
    // A seeded mix of short and long lines (up to 1.5 MiB, longer than one chunk), multi-byte text included.
    let seed = 7;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const lines = Array.from({ length: 40 }, (_, i) => `${i}:${"é𝄞ab".repeat(next(4) === 0 ? 200_000 + next(200_000) : next(3000))}`);
    const file = join(dir, "lines.jsonl");
    writeFileSync(file, `${lines.join("\r\n")}\nlast`);
    expect(await linesOf(file)).toEqual([...lines, "last"]);
  });

  it("names the command and the path when the input is missing or not a regular file", () => {
    expect(() => openInput("replay", join(dir, "missing.jsonl"))).toThrow(`replay: cannot read --input ${join(dir, "missing.jsonl")}: no such file`);
    expect(() => openInput("templates", dir)).toThrow(`templates: --input ${dir} is not a regular file`);
  });
});
