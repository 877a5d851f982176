import { spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { createServer } from "node:net";
import { setTimeout as delay } from "node:timers/promises";

/** A loopback port nobody listens on right now (the OS picks it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts a long-running server detached from this process (its own process group, output to a log
 * file), so the CLI can exit while the server runs and any process holding the state file can stop it.
 */
export function spawnDetached(command: string, args: string[], logFile: string, cwd: string): number {
  const fd = openSync(logFile, "a");
  try {
    const child = spawn(command, args, { cwd, detached: true, stdio: ["ignore", fd, fd] });
    if (child.pid === undefined) throw new Error(`could not start ${command}`);
    child.unref();
    return child.pid;
  } finally {
    closeSync(fd);
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Sends a signal to a server's process and waits until it is gone; escalates to SIGKILL after the grace time. */
export async function stopProcess(pid: number, signal: NodeJS.Signals = "SIGTERM", graceMs = 30_000): Promise<void> {
  if (!isAlive(pid)) return;
  try {
    process.kill(pid, signal);
  } catch {
    return;
  }
  const deadline = Date.now() + graceMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) {
      process.kill(pid, "SIGKILL");
      await waitUntil(() => !isAlive(pid), 10_000, `process ${pid} to die`);
      return;
    }
    await delay(100);
  }
}

/** Polls a readiness probe until it holds; fails with what it was waiting for. */
export async function waitUntil(
  probe: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
  onPoll?: () => void,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    onPoll?.();
    if (await probe()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await delay(250);
  }
}
