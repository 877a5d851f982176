import type { PulumiDriverOptions } from "./pulumi-driver";
import type { StackDriver } from "./run";

/**
 * The Pulumi driver is loaded on first use: it needs `@pulumi/pulumi`, a development dependency that
 * a repository checkout has (`npm ci`) and the runtime image deliberately does not, so the image's
 * `logclaw` runs every other command without the Pulumi SDK.
 */
export async function createPulumiDriver(options: PulumiDriverOptions): Promise<StackDriver> {
  let driver: typeof import("./pulumi-driver");
  try {
    driver = require("./pulumi-driver") as typeof import("./pulumi-driver");
  } catch (err) {
    if ((err as { code?: string }).code === "MODULE_NOT_FOUND") {
      throw new Error("fleet: the Pulumi SDK is not installed here (run logclaw fleet from a repository checkout after npm ci)");
    }
    throw err;
  }
  return driver.createPulumiDriver(options);
}
