export * from "./charts";
export * from "./cluster-operators";
export * from "./cluster-operators-spec";
export * from "./versions";
