export * from "./plan";
export * from "./run";
export * from "./report";
export { createPulumiDriver } from "./load-driver";
export type { PulumiDriverOptions } from "./pulumi-driver";
