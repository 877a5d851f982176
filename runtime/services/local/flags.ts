/**
 * The flags of `logclaw start` and their environment variables, apart from their validation
 * (config.ts) so the CLI can describe them without loading it. The data folder defaults to
 * `.logclaw/data` under the working directory (gitignored), so a checkout keeps its history across
 * restarts without touching the home directory.
 */
export const DEFAULT_DATA_DIR = ".logclaw/data";

/** Flag values as commander hands them over (all optional strings/booleans). */
export interface LocalFlags {
  data?: string;
  host?: string;
  port?: string;
  otlpHttpPort?: string;
  otlpGrpcPort?: string;
  apiKey?: string;
  tenant?: string;
  tenantFile?: string;
  retentionDays?: string;
  ticketsDir?: string;
  logLevel?: string;
  insecureNoAuth?: boolean;
}

/** The environment variables local mode reads, flag by flag. */
export const LOCAL_ENV_VARS = {
  data: "LOGCLAW_DATA_DIR",
  host: "LOGCLAW_HOST",
  port: "LOGCLAW_PORT",
  otlpHttpPort: "LOGCLAW_OTLP_HTTP_PORT",
  otlpGrpcPort: "LOGCLAW_OTLP_GRPC_PORT",
  apiKey: "LOGCLAW_API_KEY",
  tenant: "LOGCLAW_TENANT",
  tenantFile: "LOGCLAW_TENANT_FILE",
  retentionDays: "LOGCLAW_RETENTION_DAYS",
  ticketsDir: "LOGCLAW_TICKETS_DIR",
  logLevel: "LOGCLAW_LOG_LEVEL",
  insecureNoAuth: "LOGCLAW_INSECURE_NO_AUTH",
} as const satisfies Record<keyof LocalFlags, string>;

