export * from "./plan";
export * from "./run";
export * from "./report";
export * from "./pulumi-driver";
