import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { buildLocalConfig, type LocalConfig } from "../../../../runtime/services/local/config";
import { startLocalMode, type LocalModeHandle } from "../../../../runtime/services/local/local-mode";
import { createLocalModeFactory } from "../../../../runtime/services/local/parts";

/** A port the OS just handed out (the ticket links need the real dashboard port up front). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export function tempDataDir(): string {
  return join(mkdtempSync(join(tmpdir(), "logclaw-local-")), "data");
}

export async function localConfig(dataDir: string, extra: { apiKey?: string; tenantFile?: string } = {}): Promise<LocalConfig> {
  return buildLocalConfig(
    {
      data: dataDir,
      port: String(await freePort()),
      otlpHttpPort: String(await freePort()),
      otlpGrpcPort: String(await freePort()),
      apiKey: extra.apiKey,
      tenantFile: extra.tenantFile,
      logLevel: "silent",
    },
    {},
    process.cwd(),
    false,
  );
}

/** The real local mode, in this process (`now`: an injected wall clock). */
export function startLocal(config: LocalConfig, now?: () => Date, env: NodeJS.ProcessEnv = {}): Promise<LocalModeHandle> {
  return startLocalMode(config, createLocalModeFactory(env), pino({ level: "silent" }), now);
}
