import * as pulumi from "@pulumi/pulumi";

/**
 * The single Pulumi entry (`main: stacks/`): a stack with config `logclaw:tenant` runs the tenant
 * program, every other stack the environment program. Each program is loaded only when chosen.
 */
export = async (): Promise<Record<string, unknown>> => {
  const tenant = new pulumi.Config("logclaw").get("tenant");
  if (tenant) {
    const { tenantProgram } = require("./tenant") as typeof import("./tenant");
    return tenantProgram(tenant);
  }
  const { environmentProgram } = require("./environment") as { environmentProgram(): Record<string, unknown> | Promise<Record<string, unknown>> };
  return environmentProgram();
};
