import { closeSync, openSync, readSync, statSync } from "node:fs";

/** Bytes read from a file per call: larger than an export request's line (tens of kilobytes). */
const CHUNK_BYTES = 1024 * 1024;

/**
 * Opens a command's `--input` as chunks of bytes: `-` is stdin, anything else must be a readable regular file. The
 * error is one line naming the command and the path. A file's chunks share one buffer: each is valid until the next
 * is asked for (`readLines` copies the piece of a line it carries over).
 */
export function openInput(command: string, input: string): AsyncIterable<Buffer | string> {
  if (input === "-") return process.stdin;
  let isFile: boolean;
  try {
    isFile = statSync(input).isFile();
  } catch (err) {
    throw new Error(`${command}: cannot read --input ${input}: ${describe(err)}`);
  }
  if (!isFile) throw new Error(`${command}: --input ${input} is not a regular file`);
  return fileChunks(command, input);
}

/**
 * A regular file read synchronously into one reused buffer. A command reads its input front to back with nothing
 * else to do meanwhile: a read stream's thread-pool round trips and a new buffer per chunk cost about a fifth of
 * a microsecond per replayed record (2 % of `logclaw replay`) and buy nothing here.
 */
async function* fileChunks(command: string, path: string): AsyncGenerator<Buffer> {
  const fail = (err: unknown) => new Error(`${command}: cannot read --input ${path}: ${describe(err)}`);
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (err) {
    throw fail(err);
  }
  try {
    const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    for (;;) {
      let read: number;
      try {
        read = readSync(fd, buffer, 0, CHUNK_BYTES, null);
      } catch (err) {
        throw fail(err);
      }
      if (read === 0) return;
      yield buffer.subarray(0, read);
    }
  } finally {
    closeSync(fd);
  }
}

function describe(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  return code === "ENOENT" ? "no such file" : String(code ?? (err as Error).message);
}
