import {
  LocalWorkspace,
  PulumiCommand,
  StackNotFoundError,
  type EngineEvent,
  type LocalWorkspaceOptions,
  type Stack,
} from "@pulumi/pulumi/automation";
import type { FleetOperation, FleetTarget } from "./plan";
import { foldOpCounts, type ChangeCounts, type StackDriver } from "./run";

export interface PulumiDriverOptions {
  /** The Pulumi project directory (holds Pulumi.yaml); stack config files land in its stackConfigDir. */
  workDir: string;
  /**
   * Install root of the Pulumi CLI (the directory holding `bin/pulumi`), e.g. the toolchain cache.
   * Default: `pulumi` on PATH.
   */
  pulumiRoot?: string;
  /** Environment of every engine process: backend URL, PULUMI_HOME, passphrase, PATH for plugins. */
  envVars?: Record<string, string>;
  /** Policy pack directories run with `preview` and `up`. */
  policyPacks?: readonly string[];
}

function countResources(onResource: () => void): (event: EngineEvent) => void {
  return (event) => {
    if (event.resourcePreEvent) onResource();
  };
}

/**
 * The fleet's engine: Pulumi's Automation API on a LocalWorkspace over the project directory. Each
 * run creates or selects the tenant's stack, writes its config, then runs the operation; `destroy`
 * never creates a stack.
 */
export async function createPulumiDriver(options: PulumiDriverOptions): Promise<StackDriver> {
  let pulumiCommand: PulumiCommand;
  try {
    pulumiCommand = await PulumiCommand.get(options.pulumiRoot ? { root: options.pulumiRoot } : {});
  } catch (err) {
    const where = options.pulumiRoot ? `${options.pulumiRoot}/bin/pulumi` : "pulumi on PATH";
    // CommandError carries the spawn result; its message starts with a bare "code: N" line.
    const result = (err as { commandResult?: { code?: number; stderr?: string } }).commandResult;
    const reason = result?.code === -2 ? "not found (build it with npm run toolchain)" : (result?.stderr ?? String(err)).split("\n")[0];
    throw new Error(`fleet: cannot run the Pulumi CLI (${where}): ${reason}`);
  }
  const workspaceOptions: LocalWorkspaceOptions = { pulumiCommand, envVars: options.envVars ?? {} };
  const policyPacks = options.policyPacks ? [...options.policyPacks] : undefined;

  async function openStack(target: FleetTarget, operation: FleetOperation): Promise<Stack | "absent"> {
    const args = { stackName: target.stackName, workDir: options.workDir };
    if (operation !== "destroy") return LocalWorkspace.createOrSelectStack(args, workspaceOptions);
    try {
      return await LocalWorkspace.selectStack(args, workspaceOptions);
    } catch (err) {
      if (err instanceof StackNotFoundError) return "absent";
      throw err;
    }
  }

  return {
    async run(target, operation, onResource): Promise<ChangeCounts | "absent"> {
      const stack = await openStack(target, operation);
      if (stack === "absent") return "absent";
      await stack.setAllConfig(
        Object.fromEntries(Object.entries(target.config).map(([key, value]) => [key, { value, secret: false }])),
      );
      const onEvent = countResources(onResource);
      switch (operation) {
        case "preview":
          return foldOpCounts((await stack.preview({ color: "never", onEvent, policyPacks })).changeSummary);
        case "up":
          return foldOpCounts((await stack.up({ color: "never", onEvent, policyPacks })).summary.resourceChanges ?? {});
        case "destroy":
          return foldOpCounts((await stack.destroy({ color: "never", onEvent })).summary.resourceChanges ?? {});
      }
    },
  };
}
