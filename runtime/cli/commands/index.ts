import type { Command } from "commander";
import { registerBridgeCommands } from "./bridge";
import { registerDemoCommands } from "./demo";
import { registerFleetCommands } from "./fleet";
import { registerReplayCommands } from "./replay";
import { registerStartCommands } from "./start";
import { registerTemplatesCommands } from "./templates";
import { registerTenantCommands } from "./tenant";
import { registerTicketingCommands } from "./ticketing";

/** A command module registers its subcommands on the root program. */
export type RegisterCommands = (program: Command) => void;

/** Every command module of the CLI, in help order. */
export const commandModules: RegisterCommands[] = [
  registerStartCommands,
  registerDemoCommands,
  registerReplayCommands,
  registerTemplatesCommands,
  registerTenantCommands,
  registerFleetCommands,
  registerBridgeCommands,
  registerTicketingCommands,
];
