import { createReadStream, statSync } from "node:fs";
import type { Readable } from "node:stream";

/**
 * Opens a command's `--input` as a byte stream: `-` is stdin, anything else must be a readable regular file. The
 * error is one line naming the command and the path.
 */
export function openInput(command: string, input: string): Readable {
  if (input === "-") return process.stdin;
  let isFile: boolean;
  try {
    isFile = statSync(input).isFile();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(`${command}: cannot read --input ${input}: ${code === "ENOENT" ? "no such file" : String(code)}`);
  }
  if (!isFile) throw new Error(`${command}: --input ${input} is not a regular file`);
  // Bytes, in chunks larger than an export request's line (tens of kilobytes): `readLines` decodes each line whole.
  return createReadStream(input, { highWaterMark: 1024 * 1024 });
}
