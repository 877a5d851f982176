/**
 * Runs one shipped stack (`stacks/Pulumi.<stack>.yaml`) through the real program under Pulumi mocks
 * and prints, as JSON on stdout, every registered resource as a policy sees it plus the stack's
 * outputs. One stack per process, because Pulumi keeps mocks and config on globals.
 *
 *   tsx test/support/stack-snapshot.ts --stack dev
 *   tsx test/support/stack-snapshot.ts --stack acme-dev --env-outputs FILE [--tenants-dir DIR]
 *
 * `--env-outputs` is a JSON file of the environment stack's outputs, served to the tenant
 * program's StackReference; `--set KEY=VALUE` overrides config.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { parse } from "yaml";
import type { ResourceView } from "../../policies/lib/resources";
import { setupEnvMocks } from "./env-mocks";
import { resolveAll, settle } from "./pulumi-mocks";

export interface StackSnapshot {
  stack: string;
  resources: ResourceView[];
  outputs: Record<string, unknown>;
}

const repoRoot = path.resolve(__dirname, "..", "..");

/** Stack config as `setAllConfig` takes it: structured values JSON-encoded, secure values stubbed. */
export function stackConfig(stack: string, overrides: Record<string, string> = {}): Record<string, string> {
  const file = path.join(repoRoot, "stacks", `Pulumi.${stack}.yaml`);
  const doc = (parse(readFileSync(file, "utf8")) ?? {}) as { config?: Record<string, unknown> };
  const config: Record<string, string> = {};
  for (const [key, value] of Object.entries(doc.config ?? {})) {
    const secure = value !== null && typeof value === "object" && "secure" in value;
    config[key] = secure ? `mock-secret-for-${key}` : typeof value === "string" ? value : JSON.stringify(value);
  }
  return { ...config, ...overrides };
}

async function snapshot(stack: string, overrides: Record<string, string>, envOutputs: Record<string, unknown>, tenantsDir?: string): Promise<StackSnapshot> {
  const config = stackConfig(stack, overrides);
  const environmentStack = config["logclaw:environmentStack"];
  const mocks = await setupEnvMocks(config, environmentStack ? { [environmentStack]: envOutputs } : {}, stack);
  const tenant = config["logclaw:tenant"];
  const outputs = tenant
    ? (require("../../stacks/tenant") as typeof import("../../stacks/tenant")).tenantProgram(tenant, { tenantsDir })
    : await (require("../../stacks/environment") as typeof import("../../stacks/environment")).environmentProgram();
  const resolved = await resolveAll(outputs as Record<string, unknown>);
  await settle();
  const resources = mocks.registrations.map((r) => ({
    type: r.type,
    name: r.name,
    urn: r.urn,
    props: r.inputs,
    dependencies: r.dependencies,
  }));
  return { stack, resources, outputs: resolved };
}

if (require.main === module) {
  const { values } = parseArgs({
    options: {
      stack: { type: "string" },
      "env-outputs": { type: "string" },
      "tenants-dir": { type: "string" },
      set: { type: "string", multiple: true, default: [] },
    },
  });
  if (!values.stack) {
    process.stderr.write("stack-snapshot: --stack is required\n");
    process.exit(2);
  }
  const overrides = Object.fromEntries(values.set!.map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]));
  const envOutputs = values["env-outputs"] ? (JSON.parse(readFileSync(values["env-outputs"], "utf8")) as Record<string, unknown>) : {};
  snapshot(values.stack, overrides, envOutputs, values["tenants-dir"]).then(
    (result) => process.stdout.write(JSON.stringify(result)),
    (err: unknown) => {
      process.stderr.write(`stack-snapshot: ${values.stack}: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
