import { resolve } from "node:path";
import { z } from "zod";

import { DEFAULT_DATA_DIR, LOCAL_ENV_VARS, type LocalFlags } from "./flags";

export { DEFAULT_DATA_DIR, LOCAL_ENV_VARS, type LocalFlags } from "./flags";

/** Local-mode settings: flags win over environment variables, which win over the defaults. */

const port = z.coerce.number().int().min(0).max(65535);

export const localConfigSchema = z.object({
  dataDir: z.string().min(1),
  host: z.string().min(1).default("127.0.0.1"),
  port: port.default(3000),
  otlpHttpPort: port.default(4318),
  otlpGrpcPort: port.default(4317),
  /** When set, OTLP requests, the dashboard and every /api route need it. */
  apiKey: z.string().min(1).optional(),
  /** Allows binding beyond loopback without a key (anyone who can reach the ports reads and writes). */
  insecureNoAuth: z.boolean().default(false),
  tenant: z.string().min(1).default("local"),
  /** A tenant file (tenants/<id>.yaml) whose ticket platforms and LLM local mode uses. */
  tenantFile: z.string().min(1).optional(),
  /** Logs and incidents older than this are deleted. */
  retentionDays: z.coerce.number().int().min(1).max(3650).default(7),
  /** Largest OTLP request on the wire. */
  maxRequestBytes: z.coerce.number().int().min(1024).default(4 * 1024 * 1024),
  /** Largest OTLP request after decompression. */
  maxDecompressedBytes: z.coerce.number().int().min(1024).default(32 * 1024 * 1024),
  maxInFlight: z.coerce.number().int().min(1).default(64),
  /**
   * Log records processed and waiting for their commit at most (about 3 KiB of memory each); beyond
   * it requests are answered 503 / RESOURCE_EXHAUSTED with a retry delay. The default is 32 requests
   * of the OpenTelemetry SDK's 512 records: 16 exporters sending at once never reach it.
   */
  maxQueuedRecords: z.coerce.number().int().min(1).default(16_384),
  /** Where tickets are written when no platform is configured. */
  ticketsDir: z.string().min(1).optional(),
  /** Print the live counters line (off when stdout is not a terminal). */
  live: z.boolean().default(true),
  logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

export type LocalConfig = z.infer<typeof localConfigSchema> & { dataDir: string; ticketsDir: string };

const FLAG_NAMES: Record<string, string> = {
  dataDir: "--data",
  host: "--host",
  port: "--port",
  otlpHttpPort: "--otlp-http-port",
  otlpGrpcPort: "--otlp-grpc-port",
  apiKey: "--api-key",
  tenant: "--tenant",
  tenantFile: "--tenant-file",
  retentionDays: "--retention-days",
  ticketsDir: "--tickets-dir",
  logLevel: "--log-level",
  insecureNoAuth: "--insecure-no-auth",
};

/** Loopback addresses: only this machine can connect. */
function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127(\.\d{1,3}){3}$/.test(host);
}

/** Builds and validates the config; throws one line naming the flag and its variable. */
export function buildLocalConfig(flags: LocalFlags, env: NodeJS.ProcessEnv, cwd: string, interactive: boolean): LocalConfig {
  const pick = (key: Exclude<keyof LocalFlags, "insecureNoAuth">): string | undefined => {
    const value = flags[key] ?? env[LOCAL_ENV_VARS[key]];
    return value === "" ? undefined : value;
  };
  const insecureEnv = env[LOCAL_ENV_VARS.insecureNoAuth];
  const parsed = localConfigSchema.safeParse({
    dataDir: resolve(cwd, pick("data") ?? DEFAULT_DATA_DIR),
    host: pick("host"),
    port: pick("port"),
    otlpHttpPort: pick("otlpHttpPort"),
    otlpGrpcPort: pick("otlpGrpcPort"),
    apiKey: pick("apiKey"),
    tenant: pick("tenant"),
    tenantFile: pick("tenantFile"),
    retentionDays: pick("retentionDays"),
    ticketsDir: pick("ticketsDir"),
    live: interactive,
    logLevel: pick("logLevel"),
    insecureNoAuth: flags.insecureNoAuth === true || insecureEnv === "1" || insecureEnv === "true",
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = String(issue.path[0]);
    const envKey = (Object.keys(FLAG_NAMES) as string[]).includes(field)
      ? LOCAL_ENV_VARS[(field === "dataDir" ? "data" : field) as keyof LocalFlags]
      : undefined;
    throw new Error(`${FLAG_NAMES[field] ?? field}${envKey ? ` (or ${envKey})` : ""}: ${issue.message}`);
  }
  const config = parsed.data;
  if (!isLoopback(config.host) && !config.apiKey && !config.insecureNoAuth) {
    throw new Error(
      `--host ${config.host} accepts other machines, and without a key anyone reaching it reads and writes your logs: set --api-key (or ${LOCAL_ENV_VARS.apiKey}), or pass --insecure-no-auth`,
    );
  }
  return {
    ...config,
    ticketsDir: config.ticketsDir ? resolve(cwd, config.ticketsDir) : resolve(config.dataDir, "..", "tickets"),
    tenantFile: config.tenantFile ? resolve(cwd, config.tenantFile) : undefined,
  };
}
