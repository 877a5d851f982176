export * from "./charts";
export * from "./cluster-operators";
export * from "./custom-resources";
export * from "./versions";
