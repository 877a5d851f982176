import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DataDirLockedError, LOCK_FILE, lockDataDir } from "../../../../runtime/services/local/lock";

describe("lockDataDir", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "logclaw-lock-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("writes the pid, refuses a second holder while the first lives, and releases", () => {
    const lock = lockDataDir(dir);
    expect(readFileSync(join(dir, LOCK_FILE), "utf8").trim()).toBe(String(process.pid));
    // Our own parent process stands in for "another live logclaw".
    const other = () => lockDataDir(dir, process.ppid);
    expect(other).toThrow(DataDirLockedError);
    expect(other).toThrow(`data folder ${dir} is in use by logclaw process ${process.pid}; stop it or pass another --data`);
    lock.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  it("takes over a lock left by a process that is gone", () => {
    const dead = unusedPid();
    writeFileSync(join(dir, LOCK_FILE), `${dead}\n`);
    const lock = lockDataDir(dir);
    expect(readFileSync(join(dir, LOCK_FILE), "utf8").trim()).toBe(String(process.pid));
    lock.release();
  });
});

/** A pid no process holds now, found by asking the kernel (starting a process to let it die would need a process). */
function unusedPid(): number {
  for (let pid = 4_194_303; pid > 1; pid--) {
    try {
      process.kill(pid, 0);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ESRCH") return pid;
    }
  }
  throw new Error("no unused pid found");
}
