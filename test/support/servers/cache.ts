import { homedir } from "node:os";
import { join } from "node:path";

/**
 * Where downloaded classpaths, compiled helpers and server data live: outside the repository, so a
 * fresh clone stays small and a second run reuses the first run's downloads. Maven itself keeps the
 * jars in its normal local repository (~/.m2).
 */
export function serversCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME && env.XDG_CACHE_HOME.length > 0 ? env.XDG_CACHE_HOME : join(homedir(), ".cache");
  return join(base, "logclaw", "servers");
}
