export * from "./schema";
export * from "./tiers";
export * from "./load";
